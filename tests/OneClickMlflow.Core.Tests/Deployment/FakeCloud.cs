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
        private int _running;
        private int _maxRunning;

        public int Mutations => Volatile.Read(ref _mutations);

        /// <summary>The most applies that were in flight at the same moment.</summary>
        public int MaxConcurrentApplies => Volatile.Read(ref _maxRunning);

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

        public IDisposable TrackApply()
        {
            var running = Interlocked.Increment(ref _running);
            int seen;
            while (running > (seen = Volatile.Read(ref _maxRunning)))
            {
                Interlocked.CompareExchange(ref _maxRunning, running, seen);
            }

            return new Release(() => Interlocked.Decrement(ref _running));
        }

        private sealed class Release : IDisposable
        {
            private readonly Action _action;

            public Release(Action action) => _action = action;

            public void Dispose() => _action();
        }
    }
}
