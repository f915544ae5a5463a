using Microsoft.AspNetCore.Routing;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>
/// How one emulated API is served. <see cref="PathPrefix"/> is the first path segment (gcloud's endpoint
/// override name when it has one); <see cref="EndpointOverride"/> is exported as
/// CLOUDSDK_API_ENDPOINT_OVERRIDES_{NAME} = <c>{base}{PathPrefix}/{OverrideSuffix}</c> in the env file.
/// </summary>
/// <remarks>
/// gcloud's override replaces the client's base URL, and the client appends its method paths. Most APIs have
/// the version in their method paths (<c>v1/...</c>, <c>sql/v1beta4/...</c>), so the suffix is empty and requests
/// arrive as <c>/{prefix}/v1/...</c>. Compute has it in the base URL (<c>compute/v1/</c>): give it that suffix so
/// requests arrive as <c>/compute/compute/v1/projects/...</c>.
/// </remarks>
public sealed record ApiDescriptor(
    string Name,
    string PathPrefix,
    bool RequiresAuthentication,
    string? EndpointOverride = null,
    string? ServiceName = null,
    string OverrideSuffix = "");

/// <summary>One Google API: its descriptor and its routes (one file per API, on the shared infrastructure).</summary>
public interface IEmulatedApi
{
    ApiDescriptor Descriptor { get; }

    void Map(IEndpointRouteBuilder routes, EmulatorState state);
}
