using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The project's organization, read (never changed) to check that Google's managed OAuth client can serve the
    /// web users. That client lets only users of the organization that holds the project sign in to IAP through a
    /// browser; a project in no organization, or a user outside it, needs a custom OAuth client (IAP docs, "Use custom
    /// OAuth clients with IAP", https://cloud.google.com/iap/docs/custom-oauth-configuration, and "Enable IAP using a
    /// Google-managed OAuth client", https://cloud.google.com/iap/docs/managed-oauth-client). Tokens signed for a
    /// service account pass IAP with the managed client, so service accounts are never checked. Read at once, before
    /// any change, so a deployment whose users could not sign in is refused before anything is made.
    /// </summary>
    public sealed class ProjectOrganizationResource : Resource
    {
        public const string CustomClientGuide = "https://cloud.google.com/iap/docs/custom-oauth-configuration";

        private readonly ResourceManagerClient resourceManager;
        private readonly string projectId;
        private readonly ServerSettings settings;
        private readonly IReadOnlyList<string> browserUsers;
        private string? organizationId;
        private Organization? organization;

        public ProjectOrganizationResource(ResourceManagerClient resourceManager, string projectId, ServerSettings settings,
            IReadOnlyList<string> webUsers)
            : base("organization", "Organization of the project", projectId)
        {
            this.resourceManager = resourceManager;
            this.projectId = projectId;
            this.settings = settings;
            browserUsers = webUsers.Where(m => DomainOf(m) != null).ToList();
        }

        /// <summary>Only New-MlflowDeployment with Google's managed client and someone to sign in through a browser checks.</summary>
        private bool Checks => !settings.FollowLive && settings.OAuthClient == null && browserUsers.Count > 0;

        protected override bool Exists => false;

        /// <summary>getAncestry needs resourcemanager.projects.get; the organization's own read is optional (a warning without it).</summary>
        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(read: new[] { "resourcemanager.projects.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            if (!Checks)
            {
                return;
            }
            var ancestors = await resourceManager.GetAncestryAsync(projectId, cancellationToken).ConfigureAwait(false);
            organizationId = ancestors.LastOrDefault(a => a.Type == "organization")?.Id;
            organization = null;
            if (organizationId == null)
            {
                return;
            }
            try
            {
                organization = await resourceManager.GetOrganizationAsync(organizationId, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.HttpStatus == 403)
            {
                // Reading an organization needs resourcemanager.organizations.get on the organization itself, which a
                // deployer with roles on the project alone does not hold. Not seeing its domain says nothing about the
                // web users, so the plan warns instead of refusing (a refusal would stop every such deployer with
                // nothing in the deployment to fix).
            }
        }

        public override PlannedChange Plan()
        {
            if (settings.FollowLive)
            {
                return Unchanged("not checked: the OAuth client and web users are read, not given");
            }
            if (settings.OAuthClient != null)
            {
                return Unchanged($"not checked: OAuth client {settings.OAuthClient.ClientId} serves users inside and outside any organization");
            }
            if (browserUsers.Count == 0)
            {
                return Unchanged("not checked: no user:, group: or domain: web user signs in through a browser");
            }
            if (organizationId == null)
            {
                throw Refuse($"project '{projectId}' belongs to no organization, and Google's managed OAuth client lets only users of the " +
                             $"project's organization sign in to IAP through a browser: {Members(browserUsers)} could not open the web UI. {Remedy}");
            }
            var domain = organization?.DisplayName;
            if (string.IsNullOrEmpty(domain))
            {
                return Unchanged($"in organization {organizationId}, which this account cannot read: web users not checked",
                    $"The organization of project '{projectId}' ({organizationId}) could not be read (it takes resourcemanager.organizations.get " +
                    $"on the organization, e.g. roles/resourcemanager.organizationViewer), so whether {Members(browserUsers)} belong to it is not " +
                    "checked. Google's managed OAuth client lets only the organization's users sign in through a browser: for anyone outside it " +
                    $"pass your own OAuth client with -OAuthClientId and -OAuthClientSecret ({CustomClientGuide}).");
            }
            // Members are compared with the organization's primary domain (its displayName), the only domain Resource
            // Manager shows. A secondary domain of the same Workspace or Cloud Identity account is inside the organization,
            // yet only the Directory API (an administrator's right) could tell it from an outside domain. Such members are
            // refused too: a deployment its users cannot sign in to is worse than asking for a custom client, which
            // serves both.
            var outside = browserUsers.Where(m => !string.Equals(DomainOf(m), domain, StringComparison.OrdinalIgnoreCase)).ToList();
            if (outside.Count > 0)
            {
                throw Refuse($"Google's managed OAuth client lets only users of the project's organization sign in to IAP through a browser, " +
                             $"and {Members(outside)} {(outside.Count == 1 ? "is" : "are")} outside its domain {domain}. (A secondary domain of the " +
                             "organization's Google Workspace or Cloud Identity account belongs to it, but only the primary domain can be read " +
                             $"here.) {Remedy}");
            }
            return Unchanged($"in organization {domain} ({organizationId}), whose users Google's managed OAuth client serves");
        }

        public override PlannedChange PlanRemoval() => Unchanged("only read: nothing to remove");

        public override Task ApplyAsync(ResourceApplyContext context) => Task.CompletedTask;

        private static string Remedy =>
            $"Create an OAuth client for IAP ({CustomClientGuide}) and pass it with -OAuthClientId and -OAuthClientSecret. Programmatic " +
            "access is unaffected: tokens signed for a service account, as Get-MlflowTrackingToken makes them, pass IAP with Google's managed client.";

        /// <summary>The domain a browser user signs in with; null for a service account, which signs its own tokens.</summary>
        private static string? DomainOf(string member)
        {
            var colon = member.IndexOf(':');
            var type = member.Substring(0, colon);
            var identity = member.Substring(colon + 1);
            return type switch
            {
                "user" or "group" => identity.Substring(identity.LastIndexOf('@') + 1),
                "domain" => identity,
                _ => null,
            };
        }

        private static string Members(IEnumerable<string> members) => string.Join(", ", members);
    }
}
