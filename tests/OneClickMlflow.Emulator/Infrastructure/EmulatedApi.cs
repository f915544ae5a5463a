using Microsoft.AspNetCore.Routing;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>
/// How one emulated API is served. <see cref="PathPrefix"/> is the first path segment (gcloud's endpoint
/// override name when it has one); <see cref="EndpointOverride"/> is exported as
/// CLOUDSDK_API_ENDPOINT_OVERRIDES_{NAME} in the env file.
/// </summary>
public sealed record ApiDescriptor(
    string Name,
    string PathPrefix,
    bool RequiresAuthentication,
    string? EndpointOverride = null,
    string? ServiceName = null);

/// <summary>One Google API: its descriptor and its routes (one file per API, on the shared infrastructure).</summary>
public interface IEmulatedApi
{
    ApiDescriptor Descriptor { get; }

    void Map(IEndpointRouteBuilder routes, EmulatorState state);
}
