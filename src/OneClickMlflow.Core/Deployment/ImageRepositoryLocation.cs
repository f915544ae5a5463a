using System;
using OneClickMlflow.Images;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The Artifact Registry repository an image lives in, read from its reference: what the server's account must be
    /// able to read, since App Engine pulls a version's image as the version's service account.
    /// </summary>
    public sealed class ImageRepositoryLocation
    {
        private ImageRepositoryLocation(string projectId, string location, string repositoryId)
        {
            ProjectId = projectId;
            Location = location;
            RepositoryId = repositoryId;
        }

        public string ProjectId { get; }

        public string Location { get; }

        public string RepositoryId { get; }

        /// <summary>projects/P/locations/L/repositories/R.</summary>
        public string ResourceName => $"projects/{ProjectId}/locations/{Location}/repositories/{RepositoryId}";

        /// <summary>
        /// The repository of <paramref name="image"/>, or null when the image is not in Artifact Registry:
        /// <c>{location}-docker.pkg.dev/{project}/{repository}/...</c> (a domain-scoped project "example.com:p" is
        /// written "example.com/p"); Container Registry hosts, which Artifact Registry serves from repositories named
        /// after the host ("gcr.io" in us, "eu.gcr.io" in europe, "asia.gcr.io" in asia: Artifact Registry's "gcr.io
        /// repositories" docs); and a registry on this machine (plain http, tests), read as PROJECT/REPOSITORY/... in
        /// <paramref name="defaultLocation"/>.
        /// </summary>
        public static ImageRepositoryLocation? Of(ServerImageReference image, string defaultLocation)
        {
            var host = image.RegistryHost.Split(':')[0];
            var segments = image.Path.Split('/');
            const string ArtifactRegistrySuffix = "-docker.pkg.dev";
            if (host.EndsWith(ArtifactRegistrySuffix, StringComparison.Ordinal))
            {
                return FromPath(segments, host.Substring(0, host.Length - ArtifactRegistrySuffix.Length), repositoryFromPath: true);
            }
            switch (host)
            {
                case "gcr.io":
                case "us.gcr.io":
                    return FromPath(segments, "us", repositoryFromPath: false, host);
                case "eu.gcr.io":
                    return FromPath(segments, "europe", repositoryFromPath: false, host);
                case "asia.gcr.io":
                    return FromPath(segments, "asia", repositoryFromPath: false, host);
            }
            return RegistryClient.Scheme(image.RegistryHost) == "http" ? FromPath(segments, defaultLocation, repositoryFromPath: true) : null;
        }

        public override string ToString() => ResourceName;

        private static ImageRepositoryLocation? FromPath(string[] segments, string location, bool repositoryFromPath, string? repository = null)
        {
            // A domain-scoped project takes two segments: example.com/team-ml.
            var projectSegments = segments.Length > 0 && segments[0].IndexOf('.') >= 0 ? 2 : 1;
            var needed = projectSegments + (repositoryFromPath ? 2 : 1);
            if (segments.Length < needed)
            {
                return null;
            }
            var project = projectSegments == 2 ? segments[0] + ":" + segments[1] : segments[0];
            return new ImageRepositoryLocation(project, location, repositoryFromPath ? segments[projectSegments] : repository!);
        }
    }
}
