using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Who deploys may act as the server account, and only as it: App Engine refuses a version that runs as an account
    /// its deployer may not act as (iam.serviceAccounts.actAs). Rather than roles/iam.serviceAccountUser on the project
    /// (every account of it, the default compute account with Editor included), the deploying account gets that role on
    /// the deployment's server account alone, through the account's policy, when it does not hold actAs on it already.
    /// </summary>
    public sealed class ServerAccountUserResource : Resource
    {
        public const string ServiceAccountUserRole = "roles/iam.serviceAccountUser";
        private const string ActAs = "iam.serviceAccounts.actAs";

        private readonly IamClient iam;
        private readonly string projectId;
        private readonly ServiceAccountResource server;
        private readonly Func<CancellationToken, Task<string?>> caller;
        private readonly bool followLive;
        private bool held;
        private string? member;

        public ServerAccountUserResource(IamClient iam, string projectId, ServiceAccountResource server, Func<CancellationToken, Task<string?>> caller,
            bool followLive)
            : base("server-account-user", "Service account IAM binding", $"{server.Name} {ServiceAccountUserRole}", server)
        {
            this.iam = iam;
            this.projectId = projectId;
            this.server = server;
            this.caller = caller;
            this.followLive = followLive;
        }

        protected override bool Exists => held;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iam.serviceAccounts.getIamPolicy" },
            update: new[] { "iam.serviceAccounts.setIamPolicy" },
            obtains: new[] { ActAs });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            held = false;
            member = null;
            if (followLive)
            {
                return; // whether it holds depends on who deploys, not on the deployment
            }
            try
            {
                var permissions = await iam.TestServiceAccountPermissionsAsync(projectId, server.Email, new[] { ActAs }, cancellationToken).ConfigureAwait(false);
                held = permissions.Contains(ActAs);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                held = false;
            }
            if (!held)
            {
                member = await caller(cancellationToken).ConfigureAwait(false);
            }
        }

        public override PlannedChange Plan()
        {
            if (followLive || held)
            {
                return Unchanged(followLive ? "depends on who deploys" : $"the deploying account may act as {server.Email}");
            }
            if (member == null)
            {
                throw Refuse($"App Engine runs the server as {server.Email}, and Google did not say which account deploys, so it cannot be let act " +
                             $"as it. Grant {ServiceAccountUserRole} on {server.Email} to the deploying account, then run again.");
            }
            return Update($"{ServiceAccountUserRole} on {server.Email} for {member}, who deploys: App Engine runs the server as that account",
                new Dictionary<string, string> { [member] = ServiceAccountUserRole });
        }

        public override PlannedChange PlanRemoval() => Unchanged("goes with the server account");

        public override Task ApplyAsync(ResourceApplyContext context) =>
            iam.ServiceAccountPolicyEditor(projectId, server.Email).EditAsync(
                policy => policy.AddMember(ServiceAccountUserRole, member!), context.CancellationToken);
    }
}
