using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>When to look at an operation again: first after 0.5 s, then 1.5 times longer up to 10 s, 30 min overall.</summary>
    public sealed class PollSchedule
    {
        public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(0.5);

        public double Factor { get; set; } = 1.5;

        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);
    }

    /// <summary>
    /// Waits for the three families of Google operations (google.longrunning, compute#operation, sql#operation)
    /// on one schedule, reporting elapsed time; a failed operation raises <see cref="OperationFailedException"/>.
    /// </summary>
    public sealed class OperationPoller
    {
        private readonly GoogleHttpPipeline pipeline;
        private readonly ApiEndpoints endpoints;
        private readonly PollSchedule schedule;

        public OperationPoller(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, PollSchedule? schedule = null)
        {
            this.pipeline = pipeline;
            this.endpoints = endpoints;
            this.schedule = schedule ?? new PollSchedule();
        }

        /// <summary>Polls GET {base}{name} until done; returns the finished operation.</summary>
        public async Task<LongRunningOperation> WaitAsync(GoogleApi api, LongRunningOperation operation, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            var finished = await PollAsync(operation, op => op.Done, op =>
                pipeline.SendAsync<LongRunningOperation>(
                    new GoogleRequest(api, System.Net.Http.HttpMethod.Get, new Uri(endpoints.BaseOf(api), op.Name)), cancellationToken),
                op => op.Name, progress, cancellationToken).ConfigureAwait(false);
            if (finished.Error != null)
            {
                throw new OperationFailedException(finished.Name ?? "", finished.Error.Code, null,
                    finished.Error.Message ?? $"Operation {finished.Name} failed with code {finished.Error.Code}.");
            }
            return finished;
        }

        /// <summary>Polls a compute#operation or sql#operation (found from its selfLink) until status DONE.</summary>
        public async Task<ResourceOperation> WaitAsync(GoogleApi api, ResourceOperation operation, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            var finished = await PollAsync(operation, op => op.IsDone, op =>
                pipeline.SendAsync<ResourceOperation>(
                    new GoogleRequest(api, System.Net.Http.HttpMethod.Get, OperationUri(api, op)), cancellationToken),
                op => op.Name, progress, cancellationToken).ConfigureAwait(false);
            var errors = finished.Error?.Errors;
            if (errors != null && errors.Count > 0)
            {
                var message = string.Join("; ", errors.Select(e => e.Message ?? e.Code));
                throw new OperationFailedException(finished.Name ?? "", finished.HttpErrorStatusCode ?? 0, errors[0].Code, message);
            }
            return finished;
        }

        private async Task<T> PollAsync<T>(T operation, Func<T, bool> isDone, Func<T, Task<T>> refresh, Func<T, string?> nameOf,
            Action<TimeSpan>? progress, CancellationToken cancellationToken)
        {
            var stopwatch = Stopwatch.StartNew();
            var delay = schedule.FirstDelay;
            while (!isDone(operation))
            {
                if (stopwatch.Elapsed + delay > schedule.Timeout)
                {
                    throw new TimeoutException(
                        $"Operation {nameOf(operation)} was not done after {schedule.Timeout.TotalMinutes:0.#} minutes; it may still finish: run the command again later.");
                }
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                operation = await refresh(operation).ConfigureAwait(false);
                progress?.Invoke(stopwatch.Elapsed);
                delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * schedule.Factor), schedule.MaxDelay.Ticks));
            }
            return operation;
        }

        /// <summary>The operation's selfLink path from "projects/" on, under this session's endpoint for the API.</summary>
        private Uri OperationUri(GoogleApi api, ResourceOperation operation)
        {
            var link = operation.SelfLink;
            if (!string.IsNullOrEmpty(link))
            {
                var path = new Uri(link!).AbsolutePath;
                var start = path.IndexOf("/projects/", StringComparison.Ordinal);
                if (start >= 0)
                {
                    return new Uri(endpoints.BaseOf(api), path.Substring(start + 1));
                }
            }
            if (operation.TargetProject != null)
            {
                return new Uri(endpoints.BaseOf(api), $"projects/{operation.TargetProject}/operations/{operation.Name}");
            }
            throw new InvalidOperationException($"Operation {operation.Name} has no selfLink to poll.");
        }
    }
}
