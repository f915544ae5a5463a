using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>Thread-safe, append-only log read in the order its entries arrived (<see cref="ArrivalOrder"/>).</summary>
public abstract class OrderedLog<T, TOrder>
{
    private readonly object gate = new();
    private readonly List<T> entries = new();

    public void Add(T entry)
    {
        lock (gate)
        {
            entries.Add(entry);
        }
    }

    /// <summary>The entries sorted by arrival (stable for equal keys): entries are added when a request ends.</summary>
    public IReadOnlyList<T> Snapshot()
    {
        lock (gate)
        {
            return entries.OrderBy(ArrivalOrder).ToList();
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }

    protected abstract TOrder ArrivalOrder(T entry);
}
