using System.Collections.Generic;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator;

/// <summary>Every API the emulator serves. Adding an API is one file implementing <see cref="IEmulatedApi"/> and one line here.</summary>
public static class EmulatedApis
{
    public static IReadOnlyList<IEmulatedApi> All() => new IEmulatedApi[]
    {
        new OAuthApi(),
        new StsApi(),
        new MetadataApi(),
        new IamCredentialsApi(),
        new IamApi(),
        new ServiceUsageApi(),
        new ResourceManagerApi(),
        new ComputeApi(),
        new ServiceNetworkingApi(),
        new StorageApi(),
        new CloudSqlApi(),
        new SecretManagerApi(),
        new ArtifactRegistryApi(),
        new AppEngineApi(),
        new IapApi(),
        new AppFrontDoor(),
        new GstaticApi(),
        new Registry.RegistryTokenApi(),
    };
}
