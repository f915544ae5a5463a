using System;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.PowerShell.Infrastructure;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The cmdlet base: reports from worker threads, Ctrl+C, and failures as ErrorRecords.</summary>
public sealed class AsyncCmdletTests
{
    [Fact]
    public void Reports_from_worker_threads_are_written_in_order_by_the_pipeline()
    {
        var result = PowerShellRunner.Run("Invoke-ReportingWork -Count 50 -Verbose 3>&1", typeof(InvokeReportingWorkCommand));

        Assert.Empty(result.Errors);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"step {i}"), result.Verbose);
        var warning = Assert.IsType<WarningRecord>(result.Output[0].BaseObject);
        Assert.Equal("almost done", warning.Message);
        Assert.Equal(50, result.Output[1].BaseObject);
    }

    [Fact]
    public void Stop_cancels_the_pending_work()
    {
        using var shell = PowerShellRunner.Create(typeof(InvokeReportingWorkCommand));
        shell.AddScript("Invoke-ReportingWork -WaitForCancel");
        var running = shell.BeginInvoke();
        Assert.True(InvokeReportingWorkCommand.Started.Wait(TimeSpan.FromSeconds(10)));

        shell.Stop();

        Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.True(InvokeReportingWorkCommand.SawCancellation);
    }

    [Theory]
    [InlineData("timeout", "OperationTimeout", ErrorCategory.OperationTimeout)]
    [InlineData("network", "ConnectionFailed", ErrorCategory.ConnectionError)]
    public void A_failure_is_the_mapped_error_not_an_AggregateException(string failure, string errorId, ErrorCategory category)
    {
        var result = PowerShellRunner.Run($"Invoke-ReportingWork -Fail {failure}", typeof(InvokeReportingWorkCommand));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.IsNotType<AggregateException>(error.Exception);
        Assert.DoesNotContain(" at ", error.ErrorDetails.Message);
    }
}

/// <summary>A cmdlet that reports from the thread pool, as the core does, to exercise the base class.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ReportingWork")]
[OutputType(typeof(int))]
public sealed class InvokeReportingWorkCommand : AsyncCmdlet
{
    public static readonly ManualResetEventSlim Started = new();
    public static volatile bool SawCancellation;

    [Parameter] public int Count { get; set; }
    [Parameter] public SwitchParameter WaitForCancel { get; set; }
    [Parameter] public string? Fail { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            WriteObject(RunAsync(async cancellationToken =>
            {
                for (var i = 1; i <= Count; i++)
                {
                    await Task.Yield();
                    Reporter.Verbose($"step {i}");
                }
                if (Count > 0)
                {
                    Reporter.Warning("almost done");
                }
                if (WaitForCancel)
                {
                    Started.Set();
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        SawCancellation = true;
                        throw;
                    }
                }
                return Fail switch
                {
                    "timeout" => throw new TimeoutException("The operation took longer than 10 minutes."),
                    "network" => throw new HttpRequestException("Connection refused (127.0.0.1:9)"),
                    _ => Count,
                };
            }));
        }
        catch (Exception exception) when (exception is not PipelineStoppedException && !CancellationToken.IsCancellationRequested)
        {
            ThrowMapped(exception, null);
        }
    }
}
