using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>What to do with one request: answer normally, answer with an error status, or drop the connection.</summary>
/// <param name="Drop">The connection is dropped before the request is handled.</param>
/// <param name="LoseAnswer">The request is handled (Google acted), then the connection is dropped: the caller never hears.</param>
/// <param name="Before">A change made to the state just before the request is handled (another client's, racing it).</param>
public readonly record struct FaultAction(int Status, bool Drop, int? RetryAfterSeconds, bool LoseAnswer = false, Action? Before = null)
{
    public static readonly FaultAction None = new(0, false, null);
    public bool IsNone => !Drop && !LoseAnswer && Status is 0 or (>= 200 and < 300);
}

/// <summary>
/// A fault rule. Matches by API name, HTTP method, the whole path or a path fragment (each optional). A
/// <see cref="Script"/> applies its steps in order to matching requests and then the rule stops; otherwise
/// <see cref="Rate"/> fails that fraction of matching requests with <see cref="Status"/> (503 by default; a drop or
/// a lost answer too).
/// </summary>
public sealed class FaultRule
{
    public string? Api { get; init; }
    public string? Method { get; init; }
    /// <summary>The whole request path, e.g. /storage/storage/v1/b (not its sub-resources).</summary>
    public string? Path { get; init; }
    public string? PathContains { get; init; }
    public double? Rate { get; init; }
    /// <summary>An HTTP status, or <see cref="FaultInjector.DropStep"/> / <see cref="FaultInjector.LostAnswerStep"/>.</summary>
    public int Status { get; init; } = 503;
    /// <summary>Steps: an HTTP status (2xx passes the request through), "drop" (-1) or "lost" (-2: handled, answer dropped).</summary>
    public IReadOnlyList<int>? Script { get; init; }
    public int? RetryAfterSeconds { get; init; }

    /// <summary>
    /// Set from C# only: runs when a script step matches, before the request is handled (with a 2xx step it then goes
    /// through), to make the change another client would make at exactly that moment. It takes the state's gate itself.
    /// </summary>
    public Action? Before { get; init; }

    internal int NextStep { get; set; }

    internal bool Exhausted => Script is not null && NextStep >= Script.Count;

    internal bool Matches(string api, string method, string path) =>
        (Api is null || string.Equals(Api, api, StringComparison.OrdinalIgnoreCase))
        && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (Path is null || string.Equals(Path, path, StringComparison.Ordinal))
        && (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal));
}

public sealed class FaultInjector
{
    public const int DropStep = -1;
    public const int LostAnswerStep = -2;

    private readonly object gate = new();
    private readonly List<FaultRule> rules = new();
    private readonly Random random;

    public FaultInjector(int? seed = null)
    {
        random = seed is null ? new Random() : new Random(seed.Value);
    }

    public void Add(FaultRule rule)
    {
        lock (gate)
        {
            rules.Add(rule);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            rules.Clear();
        }
    }

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (gate)
            {
                return rules.ToList();
            }
        }
    }

    public FaultAction Decide(string api, string method, string path)
    {
        lock (gate)
        {
            foreach (var rule in rules.Where(r => !r.Exhausted && r.Matches(api, method, path)))
            {
                if (rule.Script is not null)
                {
                    return ActionOf(rule.Script[rule.NextStep++], rule, rule.Before);
                }
                if (rule.Rate is double rate && random.NextDouble() < rate)
                {
                    return ActionOf(rule.Status, rule, before: null);
                }
            }
            rules.RemoveAll(r => r.Exhausted);
            return FaultAction.None;
        }
    }

    private static FaultAction ActionOf(int step, FaultRule rule, Action? before) => step switch
    {
        DropStep => new FaultAction(0, true, null, Before: before),
        LostAnswerStep => new FaultAction(0, false, null, LoseAnswer: true, Before: before),
        _ => new FaultAction(step, false, rule.RetryAfterSeconds, Before: before),
    };
}
