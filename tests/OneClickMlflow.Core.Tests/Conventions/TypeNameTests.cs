using System.Linq;
using Xunit;

namespace OneClickMlflow.Tests.Conventions;

/// <summary>A script that catches the module's errors by type name must not catch Google's client library's, or the reverse.</summary>
public sealed class TypeNameTests
{
    [Fact]
    public void No_public_type_of_the_module_shares_a_simple_name_with_Google_s_client_libraries()
    {
        var google = new[] { typeof(global::Google.GoogleApiException).Assembly, typeof(global::Google.Apis.Auth.OAuth2.GoogleCredential).Assembly }
            .SelectMany(a => a.GetExportedTypes()).Select(t => t.Name).ToHashSet();

        var shared = typeof(OneClickMlflow.Google.GoogleCloudApiException).Assembly.GetExportedTypes().Where(t => google.Contains(t.Name))
            .Select(t => t.FullName);

        Assert.Empty(shared);
    }
}
