using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// The public keys of IAP's signed headers, at gstatic's path: https://www.gstatic.com/iap/verify/public_key-jwk
/// is served as <c>{emulator}/gstatic/iap/verify/public_key-jwk</c>, without authentication, as Google serves it.
/// </summary>
public sealed class GstaticApi : IEmulatedApi
{
    public const string PathPrefix = "gstatic";
    public const string IapKeysPath = "iap/verify/public_key-jwk";

    /// <summary>The server image's setting for where IAP's keys are; the emulator's environment points it here.</summary>
    public const string IapKeysUrlVariable = "IAP_PUBLIC_KEYS_URL";

    public ApiDescriptor Descriptor { get; } = new("gstatic", PathPrefix, RequiresAuthentication: false);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapGet($"/{PathPrefix}/{IapKeysPath}", context => context.WriteJsonAsync(state.IapKeys.PublicJwks()));
    }
}
