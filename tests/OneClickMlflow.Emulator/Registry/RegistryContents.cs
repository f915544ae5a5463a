using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Emulator.Registry;

/// <summary>One image (manifest) a registry holds: its name under the repository, digest, media type and tags.</summary>
public sealed record RegistryImage(string Name, string Digest, string MediaType, IReadOnlyList<string> Tags);

/// <summary>
/// Reads what the registry the token service serves holds under a name prefix (<c>{project}/{repository}/</c>),
/// through the Registry v2 API (catalog, tags list, manifest HEAD) with tokens the emulator signs for itself.
/// Nothing is read when the settings name no registry.
/// </summary>
public static class RegistryContents
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static readonly string[] ManifestTypes =
    {
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    };

    public static async Task<IReadOnlyList<RegistryImage>> ImagesAsync(RegistryTokenSettings settings, DateTimeOffset now, string prefix,
        CancellationToken cancellationToken)
    {
        if (settings.Current is not { } signer || settings.Registry is not { } registry)
        {
            return Array.Empty<RegistryImage>();
        }
        string Token(string type, string name, string action) => RegistryTokenSigner.Sign(signer.Certificate, signer.Issuer, "emulator",
            signer.Service, new JsonArray(new RegistryScope(type, name, new[] { action }).ToAccessEntry()), now, settings.Lifetime);

        var names = (await CatalogAsync(registry, Token("registry", "catalog", "*"), cancellationToken))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal);
        var images = new List<RegistryImage>();
        foreach (var name in names)
        {
            var token = Token("repository", name, "pull");
            var tags = await GetJsonAsync(registry, $"v2/{name}/tags/list", token, cancellationToken);
            var byDigest = new SortedDictionary<string, (string MediaType, List<string> Tags)>(StringComparer.Ordinal);
            foreach (var tag in (tags["tags"] as JsonArray ?? new JsonArray()).Select(t => t!.GetValue<string>()).OrderBy(t => t, StringComparer.Ordinal))
            {
                var (digest, mediaType) = await ManifestAsync(registry, name, tag, token, cancellationToken);
                if (!byDigest.TryGetValue(digest, out var entry))
                {
                    byDigest[digest] = entry = (mediaType, new List<string>());
                }
                entry.Tags.Add(tag);
            }
            images.AddRange(byDigest.Select(d => new RegistryImage(name[prefix.Length..], d.Key, d.Value.MediaType, d.Value.Tags)));
        }
        return images;
    }

    /// <summary>Every repository name of the catalog, following its <c>Link: &lt;...&gt;; rel="next"</c> pages.</summary>
    private static async Task<List<string>> CatalogAsync(Uri registry, string token, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? path = "v2/_catalog";
        while (path is not null)
        {
            var (page, next) = await GetJsonPageAsync(registry, path, token, cancellationToken);
            names.AddRange((page["repositories"] as JsonArray ?? new JsonArray()).Select(n => n!.GetValue<string>()));
            path = next;
        }
        return names;
    }

    private static async Task<JsonObject> GetJsonAsync(Uri registry, string path, string token, CancellationToken cancellationToken) =>
        (await GetJsonPageAsync(registry, path, token, cancellationToken)).Body;

    private static async Task<(JsonObject Body, string? Next)> GetJsonPageAsync(Uri registry, string path, string token,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var link = response.Headers.TryGetValues("Link", out var links) ? links.First() : null;
        var next = link is not null && link.StartsWith('<') && link.Contains("rel=\"next\"")
            ? link[1..link.IndexOf('>')].TrimStart('/')
            : null;
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject(), next);
    }

    private static async Task<(string Digest, string MediaType)> ManifestAsync(Uri registry, string name, string tag, string token,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(registry, $"v2/{name}/manifests/{tag}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var type in ManifestTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
        using var response = await Http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (response.Headers.GetValues("Docker-Content-Digest").First(), response.Content.Headers.ContentType?.MediaType ?? "");
    }
}
