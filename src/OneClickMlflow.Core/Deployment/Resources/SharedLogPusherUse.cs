using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Who still relies on the log pusher the project's deployments once shared (mlflow-log-pusher): the services whose
    /// IAP access list names it, and the people on those lists, who sign their tokens as it until their deployment
    /// moves to its own log pusher. Read once per run from the application's other services' IAP policies.
    /// </summary>
    public sealed class SharedLogPusherUse
    {
        private readonly IapClient iap;
        private readonly ServerServiceLocator locator;
        private readonly string sharedMember;
        private readonly object gate = new object();
        private Task<SharedLogPusherState>? state;

        public SharedLogPusherUse(IapClient iap, ServerServiceLocator locator, DeploymentNames names)
        {
            this.iap = iap;
            this.locator = locator;
            sharedMember = "serviceAccount:" + names.SharedLogPusherServiceAccountEmail;
        }

        public Task<SharedLogPusherState> ObserveAsync(CancellationToken cancellationToken)
        {
            lock (gate)
            {
                return state ??= ReadAsync(cancellationToken);
            }
        }

        private async Task<SharedLogPusherState> ReadAsync(CancellationToken cancellationToken)
        {
            var services = (await locator.ObserveAsync(cancellationToken).ConfigureAwait(false)).OtherServices;
            var relying = new List<string>();
            var people = MemberSet.Of(Array.Empty<string>());
            foreach (var service in services)
            {
                IamPolicy policy;
                try
                {
                    policy = await iap.GetServicePolicyAsync(service, cancellationToken).ConfigureAwait(false);
                }
                catch (GoogleCloudApiException e) when (e.IsNotFound)
                {
                    continue;
                }
                var members = MemberSet.Of(policy, IapAccessResource.AccessorRole);
                if (members.Contains(sharedMember))
                {
                    relying.Add(service.ServiceId);
                    people.UnionWith(members.Where(KeylessLoggingResource.IsPerson));
                }
            }
            return new SharedLogPusherState(relying, people);
        }
    }

    /// <summary>The other services still on the shared log pusher, and the people their lists let through.</summary>
    public sealed class SharedLogPusherState
    {
        public SharedLogPusherState(IReadOnlyList<string> services, HashSet<string> people)
        {
            Services = services;
            People = people;
        }

        public IReadOnlyList<string> Services { get; }

        public HashSet<string> People { get; }

        /// <summary>"service 'a' and service 'b'", for reasons.</summary>
        public string Describe() => string.Join(" and ", Services.Select(s => $"service '{s}'"));
    }
}
