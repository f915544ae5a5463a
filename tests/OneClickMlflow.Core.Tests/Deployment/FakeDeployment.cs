using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.Tests.Deployment
{
    /// <summary>
    /// A small deployment on the fake cloud, shaped like the real one:
    /// network -> range -> connection -> sql -> database, plus an independent bucket.
    /// Each instance is a fresh set of resource objects, as a new run of the command would have.
    /// </summary>
    internal sealed class FakeDeployment
    {
        public FakeDeployment(FakeCloud cloud, TimeSpan? delay = null)
        {
            var applyDelay = delay ?? TimeSpan.FromMilliseconds(20);
            Network = new FakeResource(cloud, "network") { ApplyDelay = applyDelay };
            Range = new FakeResource(cloud, "range", Network) { ApplyDelay = applyDelay };
            Connection = new FakeResource(cloud, "connection", Range) { ApplyDelay = applyDelay };
            Sql = new FakeResource(cloud, "sql", Connection) { ApplyDelay = applyDelay };
            Database = new FakeResource(cloud, "database", Sql) { ApplyDelay = applyDelay };
            Bucket = new FakeResource(cloud, "bucket") { ApplyDelay = applyDelay };
        }

        public FakeResource Network { get; }
        public FakeResource Range { get; }
        public FakeResource Connection { get; }
        public FakeResource Sql { get; }
        public FakeResource Database { get; }
        public FakeResource Bucket { get; }

        public IReadOnlyList<FakeResource> All => new[] { Network, Range, Connection, Sql, Database, Bucket };

        public ConcurrentQueue<ResourceEvent> Events { get; } = new ConcurrentQueue<ResourceEvent>();

        public DeploymentEngine Engine(int maxConcurrency = 8) =>
            new DeploymentEngine(new DeploymentEngineOptions { MaxConcurrency = maxConcurrency, OnEvent = Events.Enqueue });

        /// <summary>A fake cloud on which one full run has already created everything.</summary>
        public static async Task<FakeCloud> DeployedCloudAsync()
        {
            var cloud = new FakeCloud();
            await new FakeDeployment(cloud).RunAsync();
            return cloud;
        }

        /// <summary>Plans, approves everything and applies, as New-MlflowDeployment -Confirm:$false would.</summary>
        public async Task<DeploymentRunReport> RunAsync(CancellationToken cancellationToken = default)
        {
            var engine = Engine();
            var plan = await engine.PlanAsync(All, cancellationToken);
            return await engine.ApplyAsync(plan.ApproveAll(), cancellationToken);
        }
    }
}
