using System;

namespace OneClickMlflow.Emulator;

/// <summary>One request the emulator answered (the admin surface serves the same data at /_emulator/requests).</summary>
public sealed record RequestLogEntry(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    string Api,
    bool Mutating,
    int Status,
    double DurationMs,
    string? Principal,
    string? QuotaProject = null);
