using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;

namespace OneClickMlflow.Tests.Deployment
{
    /// <summary>An in-memory "cloud": resource values by id, a mutation counter and a record of concurrent work.</summary>
    internal sealed class FakeCloud
    {
        private readonly ConcurrentDictionary<string, string> _values = new ConcurrentDictionary<string, string>();
        private readonly ConcurrentDictionary<string, int> _creates = new ConcurrentDictionary<string, int>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _mutations;
        private readonly ConcurrencyGauge _applies = new ConcurrencyGauge();
        private readonly ConcurrencyGauge _reads = new ConcurrencyGauge();

        public int Mutations => Volatile.Read(ref _mutations);

        /// <summary>The most applies that were in flight at the same moment.</summary>
        public int MaxConcurrentApplies => _applies.Max;

        /// <summary>The most observations that were in flight at the same moment.</summary>
        public int MaxConcurrentReads => _reads.Max;

        public TimeSpan Now => _clock.Elapsed;

        public string? Get(string id) => _values.TryGetValue(id, out var value) ? value : null;

        public bool Exists(string id) => _values.ContainsKey(id);

        public int CreateCount(string id) => _creates.TryGetValue(id, out var count) ? count : 0;

        public void Create(string id, string value)
        {
            if (!_values.TryAdd(id, value))
            {
                throw new InvalidOperationException($"{id} already exists");
            }

            _creates.AddOrUpdate(id, 1, (_, count) => count + 1);
            Interlocked.Increment(ref _mutations);
        }

        public void Update(string id, string value)
        {
            if (!_values.ContainsKey(id))
            {
                throw new InvalidOperationException($"{id} does not exist");
            }

            _values[id] = value;
            Interlocked.Increment(ref _mutations);
        }

        public void Delete(string id)
        {
            if (!_values.TryRemove(id, out _))
            {
                throw new InvalidOperationException($"{id} does not exist");
            }

            Interlocked.Increment(ref _mutations);
        }

        /// <summary>Changes a value behind the engine's back (drift); not counted as the engine's mutation.</summary>
        public void Tamper(string id, string value) => _values[id] = value;

        public IDisposable TrackApply() => _applies.Enter();

        public IDisposable TrackRead() => _reads.Enter();

        private sealed class ConcurrencyGauge
        {
            private int _current;
            private int _max;

            public int Max => Volatile.Read(ref _max);

            public IDisposable Enter()
            {
                var current = Interlocked.Increment(ref _current);
                int seen;
                while (current > (seen = Volatile.Read(ref _max)))
                {
                    Interlocked.CompareExchange(ref _max, current, seen);
                }

                return new Release(() => Interlocked.Decrement(ref _current));
            }
        }

        private sealed class Release : IDisposable
        {
            private readonly Action _action;

            public Release(Action action) => _action = action;

            public void Dispose() => _action();
        }
    }
}
