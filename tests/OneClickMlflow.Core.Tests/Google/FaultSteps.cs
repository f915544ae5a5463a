using System;

namespace OneClickMlflow.Tests.Google;

/// <summary>
/// One transient failure of one request, as the emulator injects it: "503" (refused), "429" (refused with a
/// Retry-After of <see cref="RetryAfter"/>) or "lost" (acted on, the answer never arrives).
/// </summary>
public static class FaultSteps
{
    public static readonly string[] All = { "503", "429", "lost" };

    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A fault rule for the first request with this method on exactly this path.</summary>
    public static string Rule(string api, string method, string path, string step) => step switch
    {
        "lost" => $$"""{"api":"{{api}}","method":"{{method}}","path":"{{path}}","script":["lost"]}""",
        "429" => $$"""{"api":"{{api}}","method":"{{method}}","path":"{{path}}","script":[429],"retryAfterSeconds":{{RetryAfter.TotalSeconds}}}""",
        _ => $$"""{"api":"{{api}}","method":"{{method}}","path":"{{path}}","script":[{{step}}]}""",
    };

    /// <summary>The status the emulator logs for the step (0: no answer).</summary>
    public static int StatusOf(string step) => step == "lost" ? 0 : int.Parse(step);
}
