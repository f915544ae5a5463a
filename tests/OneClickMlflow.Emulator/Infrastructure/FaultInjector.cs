using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>What to do with one request: answer normally, answer with an error status, or drop the connection.</summary>
/// <param name="Drop">The connection is dropped before the request is handled.</param>
/// <param name="LoseAnswer">The request is handled (Google acted), then the connection is dropped: the caller never hears.</param>
public readonly record struct FaultAction(int Status, bool Drop, int? RetryAfterSeconds, bool LoseAnswer = false)
{
    public static readonly FaultAction None = new(0, false, null);
    public bool IsNone => !Drop && !LoseAnswer && Status is 0 or (>= 200 and < 300);
}

/// <summary>
/// A fault rule. Matches by API name, HTTP method and a path fragment (each optional). A <see cref="Script"/>
/// applies its steps in order to matching requests and then the rule stops; otherwise <see cref="Rate"/> fails
/// that fraction of matching requests with <see cref="Status"/> (503 by default).
/// </summary>
public sealed class FaultRule
{
    public string? Api { get; init; }
    public string? Method { get; init; }
    public string? PathContains { get; init; }
    public double? Rate { get; init; }
    public int Status { get; init; } = 503;
    /// <summary>Steps: an HTTP status (2xx passes the request through), "drop" (-1) or "lost" (-2: handled, answer dropped).</summary>
    public IReadOnlyList<int>? Script { get; init; }
    public int? RetryAfterSeconds { get; init; }

    /// <summary>
    /// Test control for in-process hosts: runs before each matching request is handled (a script step of 200 lets it
    /// through), e.g. Google finishing an operation between two of a client's calls.
    /// </summary>
    public Action? Before { get; init; }

    internal int NextStep { get; set; }

    internal bool Exhausted => Script is not null && NextStep >= Script.Count;

    internal bool Matches(string api, string method, string path) =>
        (Api is null || string.Equals(Api, api, StringComparison.OrdinalIgnoreCase))
        && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
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
        var before = new List<Action>();
        var action = Decide(api, method, path, before);
        foreach (var run in before)
        {
            run();
        }
        return action;
    }

    private FaultAction Decide(string api, string method, string path, List<Action> before)
    {
        lock (gate)
        {
            foreach (var rule in rules.Where(r => !r.Exhausted && r.Matches(api, method, path)))
            {
                if (rule.Before is not null)
                {
                    before.Add(rule.Before);
                }
                if (rule.Script is not null)
                {
                    var step = rule.Script[rule.NextStep++];
                    return step switch
                    {
                        DropStep => new FaultAction(0, true, null),
                        LostAnswerStep => new FaultAction(0, false, null, LoseAnswer: true),
                        _ => new FaultAction(step, false, rule.RetryAfterSeconds),
                    };
                }
                if (rule.Rate is double rate && random.NextDouble() < rate)
                {
                    return new FaultAction(rule.Status, false, rule.RetryAfterSeconds);
                }
            }
            rules.RemoveAll(r => r.Exhausted);
            return FaultAction.None;
        }
    }
}
