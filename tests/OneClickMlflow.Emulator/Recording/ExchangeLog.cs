using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Recording;

/// <summary>The recorded exchanges, read in the order the requests arrived.</summary>
public sealed class ExchangeLog : OrderedLog<Exchange, long>
{
    private long sequence;

    /// <summary>Off unless the emulator was started with <see cref="EmulatorOptions.RecordExchanges"/>.</summary>
    public bool Enabled { get; internal set; }

    /// <summary>Numbers requests as they arrive, so the snapshot keeps the order clients sent them in.</summary>
    public long NextSequence() => Interlocked.Increment(ref sequence);

    protected override long ArrivalOrder(Exchange entry) => entry.Sequence;

    /// <summary>The JSON array the admin surface serves and the conformance checker reads.</summary>
    public static JsonArray ToJson(IEnumerable<Exchange> exchanges) =>
        new(exchanges.Select(e => (JsonNode?)e.ToJson()).ToArray());
}
