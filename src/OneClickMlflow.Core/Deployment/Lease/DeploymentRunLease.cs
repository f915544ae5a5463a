using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Lease
{
    /// <summary>How long a lease holds without renewal, how often it is renewed, and how often a waiting run looks again.</summary>
    public sealed class RunLeaseOptions
    {
        /// <summary>A killed run's lease lapses this long after its last renewal.</summary>
        public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(10);

        public TimeSpan RenewEvery { get; set; } = TimeSpan.FromMinutes(2);

        public TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(5);

        public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;
    }

    /// <summary>The lease as read: whether the bucket exists, the object's generation (0: none) and its record.</summary>
    public sealed class RunLeaseState
    {
        public RunLeaseState(bool bucketExists, long generation, RunLeaseRecord? record)
        {
            BucketExists = bucketExists;
            Generation = generation;
            Record = record;
        }

        public bool BucketExists { get; }

        public long Generation { get; }

        public RunLeaseRecord? Record { get; }
    }

    /// <summary>
    /// One run at a time per deployment, as Terraform's GCS backend does it: an object in the deployment's bucket
    /// (<see cref="ObjectName"/>), written with <c>ifGenerationMatch</c> so that of two runs only one takes it, holding
    /// who runs what from where and until when. The run renews it while it works and marks it released at the end; a
    /// killed run's lease lapses after <see cref="RunLeaseOptions.Duration"/>. The take expects the generation the run
    /// read before it planned, so a run that another run came and went behind plans again instead of applying an old plan.
    /// </summary>
    public sealed class DeploymentRunLease : IDisposable
    {
        public const string ObjectName = ".oneclick-mlflow/run-lease.json";

        private readonly StorageClient storage;
        private readonly string deployment;
        private readonly string bucket;
        private readonly RunLeaseRecord own;
        private readonly RunLeaseOptions options;
        private readonly CancellationTokenSource lost = new CancellationTokenSource();
        private readonly object gate = new object();
        private long heldGeneration;
        private CancellationTokenSource? renewing;
        private Task? renewals;

        public DeploymentRunLease(StorageClient storage, string deployment, string bucket, RunLeaseRecord own, RunLeaseOptions? options = null)
        {
            this.storage = storage;
            this.deployment = deployment;
            this.bucket = bucket;
            this.own = own;
            this.options = options ?? new RunLeaseOptions();
        }

        /// <summary>gs://BUCKET/OBJECT, as gcloud storage names it.</summary>
        public string Uri => $"gs://{bucket}/{ObjectName}";

        public string Deployment => deployment;

        /// <summary>Cancelled when another run broke or took over this run's lease.</summary>
        public CancellationToken Lost => lost.Token;

        /// <summary>Why the lease was lost, or null.</summary>
        public string? LostReason { get; private set; }

        public bool Held
        {
            get
            {
                lock (gate)
                {
                    return heldGeneration != 0;
                }
            }
        }

        public async Task<RunLeaseState> ReadAsync(CancellationToken cancellationToken)
        {
            StorageObject? item;
            try
            {
                item = await storage.GetObjectAsync(bucket, ObjectName, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                item = null;
            }
            if (item == null)
            {
                var exists = await storage.GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false) != null;
                return new RunLeaseState(exists, 0, null);
            }
            var generation = long.Parse(item.Generation ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            string text;
            try
            {
                text = await storage.ReadObjectTextAsync(bucket, ObjectName, generation, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                return await ReadAsync(cancellationToken).ConfigureAwait(false); // replaced between the two reads
            }
            return new RunLeaseState(true, generation, RunLeaseRecord.FromJson(text));
        }

        /// <summary>
        /// Reads the lease until no other run holds it or <paramref name="timeout"/> passes (then
        /// <see cref="DeploymentBusyException"/>). Returns the free state and the record of the last run that held it while
        /// this one waited (null when it was free at once).
        /// </summary>
        public async Task<(RunLeaseState State, RunLeaseRecord? WaitedFor)> WaitUntilFreeAsync(TimeSpan timeout, Action<string>? progress,
            CancellationToken cancellationToken)
        {
            var started = options.Clock();
            RunLeaseRecord? waitedFor = null;
            while (true)
            {
                var state = await ReadAsync(cancellationToken).ConfigureAwait(false);
                var now = options.Clock();
                if (state.Record == null || !state.Record.HeldAt(now) || state.Record.RunId == own.RunId || state.Record.IsOfDeadProcessHere())
                {
                    return (state, waitedFor == null ? null : state.Record ?? waitedFor);
                }
                var waited = now - started;
                if (waited >= timeout)
                {
                    throw new DeploymentBusyException(deployment, state.Record, Uri, waited);
                }
                waitedFor = state.Record;
                progress?.Invoke($"waiting for {state.Record.Describe()} to end");
                var pause = options.PollEvery < timeout - waited ? options.PollEvery : timeout - waited;
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Takes the lease if it is still as <paramref name="observed"/> (no object: none may have appeared), then renews it
        /// in the background. Throws <see cref="RunLeaseChangedException"/> when another run took it or came and went.
        /// </summary>
        public async Task TakeAsync(RunLeaseState observed, CancellationToken cancellationToken)
        {
            var now = options.Clock();
            own.AcquiredAt = now;
            own.ExpiresAt = now + options.Duration;
            own.ReleasedAt = null;
            own.Completed = null;
            var generation = await WriteAsync(observed.Generation, cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                heldGeneration = generation;
                renewing = new CancellationTokenSource();
                var stop = renewing.Token;
                renewals = Task.Run(() => RenewAsync(stop), CancellationToken.None);
            }
        }

        /// <summary>Stops the renewals (before the bucket that holds the lease is deleted).</summary>
        public void StopRenewing()
        {
            lock (gate)
            {
                renewing?.Cancel();
            }
        }

        /// <summary>Marks the lease released (kept as a record of the last run). Nothing when it was never taken or is gone with its bucket.</summary>
        public async Task ReleaseAsync(bool completed, CancellationToken cancellationToken)
        {
            StopRenewing();
            Task? renewal;
            lock (gate)
            {
                renewal = renewals;
            }
            if (renewal != null)
            {
                // A renewal already sent moves the generation: release at the one it left, or the release is refused as
                // "changed" and the lease stays held until it lapses.
                await renewal.ConfigureAwait(false);
            }
            long generation;
            lock (gate)
            {
                generation = heldGeneration;
                heldGeneration = 0;
            }
            if (generation == 0 || LostReason != null)
            {
                return;
            }
            own.ReleasedAt = options.Clock();
            own.Completed = completed;
            try
            {
                await WriteAsync(generation, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                // The bucket went with a removal that deleted the data: so did the lease.
            }
            catch (RunLeaseChangedException)
            {
                // A renewal cut short by the release may still have landed: the record is then this run's at a newer
                // generation, and is released there. Anything else was broken by hand: nothing of this run's to release.
                try
                {
                    var now = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (now.Record != null && now.Record.RunId == own.RunId && now.Record.ReleasedAt == null)
                    {
                        await WriteAsync(now.Generation, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is RunLeaseChangedException || e is GoogleCloudApiException { IsNotFound: true })
                {
                }
            }
        }

        public void Dispose()
        {
            StopRenewing();
            lost.Dispose();
        }

        private async Task RenewAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(options.RenewEvery, stop).ConfigureAwait(false);
                    long generation;
                    lock (gate)
                    {
                        generation = heldGeneration;
                    }
                    own.ExpiresAt = options.Clock() + options.Duration;
                    var renewed = await WriteAsync(generation, stop).ConfigureAwait(false);
                    lock (gate)
                    {
                        heldGeneration = renewed;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (RunLeaseChangedException e)
                {
                    LostReason = e.Holder == null ? "it was broken" : "taken over by " + e.Holder.Describe();
                    lost.Cancel();
                    return;
                }
                catch (Exception e) when (e is GoogleCloudApiException || e is System.Net.Http.HttpRequestException)
                {
                    // A renewal that failed for now is tried again at the next interval, well before the lease lapses.
                }
            }
        }

        /// <summary>
        /// Writes this run's record if the object is still at <paramref name="expectedGeneration"/> (0: absent). A lost answer
        /// is followed by a read: this run's record there means the write landed; the expected generation still there
        /// means it did not, and it is sent again.
        /// </summary>
        private async Task<long> WriteAsync(long expectedGeneration, CancellationToken cancellationToken)
        {
            var text = own.ToJson();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var written = await storage.UploadTextAsync(bucket, ObjectName, text, expectedGeneration, cancellationToken).ConfigureAwait(false);
                    return long.Parse(written.Generation ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (GoogleCloudApiException e) when (e.HttpStatus == 412)
                {
                    var now = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (attempt > 1 && now.Record?.ToJson() == text)
                    {
                        return now.Generation;
                    }
                    throw new RunLeaseChangedException(deployment, now.Record != null && now.Record.HeldAt(options.Clock()) ? now.Record : null);
                }
                catch (GoogleCloudApiException e) when (e.IsTransient && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
                    var now = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (now.Record?.ToJson() == text)
                    {
                        return now.Generation;
                    }
                    if (now.Generation != expectedGeneration)
                    {
                        throw new RunLeaseChangedException(deployment, now.Record != null && now.Record.HeldAt(options.Clock()) ? now.Record : null);
                    }
                }
            }
        }
    }
}
