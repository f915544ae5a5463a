using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace OneClickMlflow.Emulator;

/// <summary>
/// Standalone: <c>--port N --env-file FILE [--project ID]... [--project-without-organization ID]... [--allow-unauthenticated] [--latency realistic
/// --latency-scale 0.01] [--service-account-propagation-delay] [--sql-missing-instance-403] [--iap-audience-optional] [--token-lifetime SECONDS] [--record-exchanges] [--exit-on-stdin-close]</c>. Serves on 127.0.0.1 until SIGINT/SIGTERM.
/// </summary>
public static class EmulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        EmulatorOptions options;
        string? envFile;
        bool exitOnStdinClose;
        try
        {
            (options, envFile, exitOnStdinClose) = Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(
                "usage: --port N --env-file FILE [--project ID]... [--project-without-organization ID]... [--allow-unauthenticated] " +
                "[--latency zero|realistic] [--latency-scale X] [--service-account-propagation-delay] [--sql-missing-instance-403] " +
                "[--iap-audience-optional] [--token-lifetime SECONDS] [--record-exchanges] [--exit-on-stdin-close]");
            return 2;
        }

        EmulatorHost host;
        try
        {
            host = await EmulatorHost.StartAsync(options);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        await using var running = host;
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        if (exitOnStdinClose)
        {
            _ = Task.Run(async () =>
            {
                await Console.In.ReadToEndAsync();
                stop.TrySetResult();
            });
        }
        if (envFile is not null)
        {
            host.WriteEnvFile(envFile);
        }
        Console.WriteLine($"emulator listening on {host.BaseUri}");
        await Console.Out.FlushAsync();
        await stop.Task;
        return 0;
    }

    private static (EmulatorOptions Options, string? EnvFile, bool ExitOnStdinClose) Parse(string[] args)
    {
        var options = new EmulatorOptions();
        string? envFile = null;
        var exitOnStdinClose = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--port":
                    options.Port = int.TryParse(Value(), out var port) && port is >= 0 and <= 65535
                        ? port
                        : throw new ArgumentException("--port must be 0-65535.");
                    break;
                case "--env-file":
                    envFile = Value();
                    break;
                case "--project":
                    options.Projects.Add(Value());
                    break;
                case "--project-without-organization":
                    var alone = Value();
                    options.Projects.Add(alone);
                    options.ProjectsWithoutOrganization.Add(alone);
                    break;
                case "--allow-unauthenticated":
                    options.AllowUnauthenticated = true;
                    break;
                case "--latency":
                    options.LatencyProfile = Value();
                    break;
                case "--latency-scale":
                    options.LatencyScale = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var scale)
                        ? scale
                        : throw new ArgumentException("--latency-scale must be a number.");
                    break;
                case "--service-account-propagation-delay":
                    options.ServiceAccountPropagationDelay = true;
                    break;
                case "--sql-missing-instance-403":
                    options.SqlMissingInstanceAnswers403 = true;
                    break;
                case "--sql-producer-hold-seconds":
                    options.SqlProducerHoldAfterDelete = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var hold) && hold >= 0
                        ? TimeSpan.FromSeconds(hold)
                        : throw new ArgumentException("--sql-producer-hold-seconds must be a number of seconds, 0 or more.");
                    break;
                case "--token-lifetime":
                    options.TokenLifetime = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lifetime) && lifetime >= 1
                        ? TimeSpan.FromSeconds(lifetime)
                        : throw new ArgumentException("--token-lifetime must be a number of seconds, 1 or more.");
                    break;
                case "--iap-audience-optional":
                    options.IapAudienceOptional = true;
                    break;
                case "--record-exchanges":
                    options.RecordExchanges = true;
                    break;
                case "--exit-on-stdin-close":
                    exitOnStdinClose = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        return (options, envFile, exitOnStdinClose);
    }
}
