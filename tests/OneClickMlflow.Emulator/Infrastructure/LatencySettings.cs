using System;
using System.Collections.Generic;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>
/// How long long-running operations take. "zero": every operation is done when it is created. "realistic":
/// real-world durations per operation kind, multiplied by <see cref="Scale"/>.
/// </summary>
public sealed class LatencySettings
{
    public const string Zero = "zero";
    public const string Realistic = "realistic";

    private static readonly TimeSpan DefaultRealistic = TimeSpan.FromSeconds(5);

    /// <summary>Typical durations observed on Google Cloud, by operation kind.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> RealisticDurations = new Dictionary<string, TimeSpan>
    {
        ["serviceusage.services.enable"] = TimeSpan.FromSeconds(20),
        ["serviceusage.services.batchEnable"] = TimeSpan.FromSeconds(30),
        ["serviceusage.services.disable"] = TimeSpan.FromSeconds(15),
        ["compute.networks.insert"] = TimeSpan.FromSeconds(25),
        ["compute.addresses.insert"] = TimeSpan.FromSeconds(10),
        ["compute.subnetworks.insert"] = TimeSpan.FromSeconds(15),
        ["compute.firewalls.insert"] = TimeSpan.FromSeconds(10),
        ["servicenetworking.connections.create"] = TimeSpan.FromSeconds(75),
        ["servicenetworking.connections.update"] = TimeSpan.FromSeconds(30),
        // How long a new service account stays invisible to IAM policy calls (IamState.SimulatePropagationDelay).
        ["iam.serviceAccounts.propagation"] = TimeSpan.FromSeconds(10),
        ["sql.instances.create"] = TimeSpan.FromMinutes(8),
        ["sql.instances.update"] = TimeSpan.FromSeconds(90),
        ["sql.instances.delete"] = TimeSpan.FromMinutes(2),
        ["sql.databases.insert"] = TimeSpan.FromSeconds(10),
        ["sql.users.insert"] = TimeSpan.FromSeconds(5),
        ["artifactregistry.repositories.create"] = TimeSpan.FromSeconds(5),
        ["appengine.apps.create"] = TimeSpan.FromSeconds(60),
        ["appengine.versions.create"] = TimeSpan.FromMinutes(8),
        ["appengine.services.patch"] = TimeSpan.FromSeconds(30),
    };

    private readonly object gate = new();
    private readonly Dictionary<string, TimeSpan> held = new(StringComparer.Ordinal);
    private string profile = Zero;
    private double scale = 1.0;

    public string Profile
    {
        get { lock (gate) { return profile; } }
    }

    public double Scale
    {
        get { lock (gate) { return scale; } }
    }

    public void Set(string newProfile, double newScale)
    {
        if (newProfile is not (Zero or Realistic))
        {
            throw new ArgumentException($"Unknown latency profile '{newProfile}': use '{Zero}' or '{Realistic}'.");
        }
        if (newScale < 0 || double.IsNaN(newScale))
        {
            throw new ArgumentException("The latency scale must be zero or more.");
        }
        lock (gate)
        {
            profile = newProfile;
            scale = newScale;
        }
    }

    /// <summary>
    /// Test control: operations of <paramref name="operationKind"/> take <paramref name="duration"/> whatever the
    /// profile (null ends the override), e.g. a delete that Google is still working on when a run is stopped.
    /// </summary>
    public void Hold(string operationKind, TimeSpan? duration)
    {
        lock (gate)
        {
            if (duration is { } value)
            {
                held[operationKind] = value;
            }
            else
            {
                held.Remove(operationKind);
            }
        }
    }

    public TimeSpan DurationOf(string operationKind)
    {
        lock (gate)
        {
            if (held.TryGetValue(operationKind, out var heldFor))
            {
                return heldFor;
            }
            if (profile == Zero)
            {
                return TimeSpan.Zero;
            }
            var real = RealisticDurations.TryGetValue(operationKind, out var d) ? d : DefaultRealistic;
            return TimeSpan.FromTicks((long)(real.Ticks * scale));
        }
    }
}
