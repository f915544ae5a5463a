using System;
using System.IO;
using System.Linq;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Tab completion of -ProjectId and -Region, read through TabExpansion2 as the console does.</summary>
[Collection(EmulatorCollection.Name)] // changes process environment variables: never alongside other cmdlet tests
public sealed class ArgumentCompletionTests
{
    [Fact]
    public void ProjectId_completes_from_every_gcloud_configuration_on_the_machine()
    {
        var config = Directory.CreateTempSubdirectory("gcloud-config-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(config, "configurations"));
            File.WriteAllText(Path.Combine(config, "active_config"), "work");
            File.WriteAllText(Path.Combine(config, "configurations", "config_work"), "[core]\nproject = team-ml-prod\naccount = a@example.com\n");
            File.WriteAllText(Path.Combine(config, "configurations", "config_sandbox"), "[core]\nproject = team-ml-sandbox\n");
            File.WriteAllText(Path.Combine(config, "configurations", "config_other"), "[core]\nproject = finance-reports\n");

            var result = PowerShellRunner.Run($$"""
                $saved = $env:CLOUDSDK_CONFIG, $env:CLOUDSDK_CORE_PROJECT
                $env:CLOUDSDK_CONFIG = '{{config}}'; $env:CLOUDSDK_CORE_PROJECT = $null
                try {
                    $line = 'Test-MlflowPrerequisite -ProjectId team-'
                    (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
                } finally { $env:CLOUDSDK_CONFIG, $env:CLOUDSDK_CORE_PROJECT = $saved }
                """);

            Assert.Empty(result.Errors);
            // The active configuration's project first, then the others in name order; non-matching ones left out.
            Assert.Equal(new[] { "team-ml-prod", "team-ml-sandbox" }, result.Output.Select(o => o.ToString()));
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    [Fact]
    public void Region_completer_offers_App_Engine_regions_that_match_what_was_typed()
    {
        var completer = new OneClickMlflow.PowerShell.Completion.RegionCompleter();

        var matches = completer.CompleteArgument("New-MlflowDeployment", "Region", "europe-w", null!, null!)
            .Select(c => c.CompletionText).ToList();

        Assert.Contains("europe-west1", matches);
        Assert.Contains("europe-west2", matches);
        Assert.All(matches, m => Assert.StartsWith("europe-west", m, StringComparison.Ordinal));
    }
}
