using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>An Artifact Registry repository. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class ArtifactRepositoryRecord
{
    public required string ProjectId { get; init; }
    public required string Location { get; init; }
    public required string RepositoryId { get; init; }
    public required string Format { get; init; }
    public required string Mode { get; init; }
    public required DateTimeOffset Created { get; init; }
    public string Description { get; set; } = "";
    public SortedDictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset Updated { get; set; }

    /// <summary>The repository's own IAM policy (repository-level grants such as roles/artifactregistry.reader).</summary>
    public Iam.IamPolicy Policy { get; } = new();
}

/// <summary>Artifact Registry's state: repositories by (project id, location, repository id).</summary>
public sealed class ArtifactRegistryState : IDumpableState
{
    public Dictionary<(string Project, string Location, string Repository), ArtifactRepositoryRecord> Repositories { get; } = new();

    /// <summary>
    /// Whether the project has a repository with this id in any location. The registry token service uses it:
    /// a loopback registry has one host, so the location a real <c>{l}-docker.pkg.dev</c> host carries is not known there.
    /// </summary>
    public bool HasRepository(string projectId, string repositoryId) =>
        Repositories.Keys.Any(k => k.Project == projectId && k.Repository == repositoryId);

    /// <summary>The repository with this id in any location of the project (see <see cref="HasRepository"/>).</summary>
    public ArtifactRepositoryRecord? FindRepository(string projectId, string repositoryId) =>
        Repositories.Values.FirstOrDefault(r => r.ProjectId == projectId && r.RepositoryId == repositoryId);

    /// <summary>Whether <paramref name="member"/> holds <paramref name="permission"/> on the repository: through its policy or its project's.</summary>
    public static bool Grants(ProjectState project, ArtifactRepositoryRecord repository, string member, string permission) =>
        repository.Policy.Grants(member, permission) || project.Grants(member, permission);

    /// <summary>Seeds a Docker repository (tests that push without creating it through the API first).</summary>
    public ArtifactRepositoryRecord AddDockerRepository(string projectId, string location, string repositoryId, DateTimeOffset now)
    {
        var record = new ArtifactRepositoryRecord
        {
            ProjectId = projectId,
            Location = location,
            RepositoryId = repositoryId,
            Format = "DOCKER",
            Mode = "STANDARD_REPOSITORY",
            Created = now,
            Updated = now,
        };
        Repositories[(projectId, location, repositoryId)] = record;
        return record;
    }

    public JsonNode Dump() => new JsonArray(Repositories.Values.Select(r => (JsonNode?)new JsonObject
    {
        ["name"] = $"{r.ProjectId}/{r.Location}/{r.RepositoryId}",
        ["format"] = r.Format,
        ["labels"] = new JsonObject(r.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
    }).ToArray());
}
