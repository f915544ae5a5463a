using System;
using System.Collections.Generic;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Deployment
{
    public class DeploymentInputValidatorTests
    {
        private static DeploymentInput Valid() => new DeploymentInput
        {
            ProjectId = "my-project",
            Name = "mlflow",
            Region = "europe-west1",
            WebAppUsers = new[] { "user:alice@example.com" },
        };

        public static IEnumerable<object[]> BadInputs()
        {
            object[] Case(string parameter, string expected, Action<DeploymentInput> change) =>
                new object[] { parameter, expected, change };

            yield return Case("ProjectId", "no project given", i => i.ProjectId = null);
            yield return Case("ProjectId", "an empty value was given", i => i.ProjectId = "");
            yield return Case("ProjectId", "is not a project id", i => i.ProjectId = "My_Project");
            yield return Case("ProjectId", "is not a project id", i => i.ProjectId = "short");
            yield return Case("ProjectId", "is not a project id", i => i.ProjectId = "123456789012");
            yield return Case("ProjectId", "is not a project id", i => i.ProjectId = "ends-with-hyphen-");
            yield return Case("Name", "2 to 20 lowercase letters", i => i.Name = "MLflow");
            yield return Case("Name", "2 to 20 lowercase letters", i => i.Name = "this-name-is-far-too-long");
            yield return Case("Name", "2 to 20 lowercase letters", i => i.Name = "1mlflow");
            yield return Case("Name", "may not start with 'goog'", i => i.Name = "google-ml");
            yield return Case("Region", "is not a region where App Engine can run", i => i.Region = "mars-north1");
            yield return Case("Region", "no region given", i => i.Region = null);
            yield return Case("Region", "Use -Region us-central1", i => i.Region = "us-central");
            yield return Case("Region", "is not a region where App Engine can run", i => i.Region = "europe-west4");
            yield return Case("WebAppUser", "has no member type", i => i.WebAppUsers = new[] { "bob" });
            yield return Case("WebAppUser", "Did you mean 'user:bob@example.com'", i => i.WebAppUsers = new[] { "bob@example.com" });
            yield return Case("WebAppUser", "does not hold a valid e-mail", i => i.WebAppUsers = new[] { "user:" });
            yield return Case("WebAppUser", "defeats IAP", i => i.WebAppUsers = new[] { "allUsers" });
            yield return Case("WebAppUser", "defeats IAP", i => i.WebAppUsers = new[] { "allAuthenticatedUsers" });
            yield return Case("WebAppUser", "must end in .gserviceaccount.com", i => i.WebAppUsers = new[] { "serviceAccount:ci@example.com" });
            yield return Case("WebAppUser", "does not name a valid domain", i => i.WebAppUsers = new[] { "domain:not a domain" });
            yield return Case("WebAppUser", "member type 'deleted'", i => i.WebAppUsers = new[] { "deleted:user:x@example.com" });
            yield return Case("WebAppUser", "an empty member", i => i.WebAppUsers = new[] { " " });
            yield return Case("NetworkName", "neither a network name", i => i.NetworkName = "My Network");
            yield return Case("NetworkName", "neither a network name", i => i.NetworkName = "projects/p/regions/us/networks/n");
            yield return Case("NetworkName", "neither a network name", i => i.NetworkName = "projects/my-project/global/networks/Bad_Name");
            yield return Case("SubnetworkName", "pass -NetworkName too", i => i.SubnetworkName = "mlflow-subnet");
            yield return Case("SubnetworkName", "short name", i =>
            {
                i.NetworkName = "shared-net";
                i.SubnetworkName = "projects/my-project/regions/europe-west1/subnetworks/s";
            });
        }

        [Theory]
        [MemberData(nameof(BadInputs))]
        public void Bad_input_is_refused_naming_the_parameter(string parameter, string expected, Action<DeploymentInput> change)
        {
            var input = Valid();
            change(input);

            var error = Assert.Throws<InvalidDeploymentInputException>(() => DeploymentInputValidator.Validate(input));

            Assert.Equal(parameter, error.ParameterName);
            Assert.StartsWith($"-{parameter}: ", error.Message);
            Assert.Contains(expected, error.Message);
        }

        [Theory]
        [InlineData("us-central1", "us-central")]
        [InlineData("europe-west1", "europe-west")]
        [InlineData("europe-west2", "europe-west2")]
        [InlineData("us-east4", "us-east4")]
        [InlineData("asia-northeast1", "asia-northeast1")]
        [InlineData("US-West2", "us-west2")]
        public void Region_maps_to_app_engine_location_id(string region, string locationId)
        {
            var input = Valid();
            input.Region = region;

            var validated = DeploymentInputValidator.Validate(input);

            Assert.Equal(region.ToLowerInvariant(), validated.Region);
            Assert.Equal(locationId, validated.AppEngineLocationId);
        }

        [Fact]
        public void Web_app_users_are_normalised_and_duplicates_collapse_ignoring_case()
        {
            var members = DeploymentInputValidator.ValidateWebAppUsers(new[]
            {
                "user:Alice@Example.com", "user:alice@example.com", "group:ml-team@example.com",
                "ServiceAccount:ci@my-project.iam.gserviceaccount.com", "domain:example.com",
            });

            Assert.Equal(new[]
            {
                "user:Alice@Example.com", "group:ml-team@example.com",
                "serviceAccount:ci@my-project.iam.gserviceaccount.com", "domain:example.com",
            }, members);
        }

        [Theory]
        [InlineData(null, "my-project", "mlflow-network")]
        [InlineData("shared-vpc", "my-project", "shared-vpc")]
        [InlineData("projects/host-project/global/networks/shared", "host-project", "shared")]
        [InlineData("https://www.googleapis.com/compute/v1/projects/host-project/global/networks/shared", "host-project", "shared")]
        [InlineData("http://127.0.0.1:8080/compute/v1/projects/my-project/global/networks/default", "my-project", "default")]
        public void Network_is_the_deployment_s_own_or_the_one_referenced(string? networkName, string project, string name)
        {
            var input = Valid();
            input.NetworkName = networkName;

            var network = DeploymentInputValidator.Validate(input).Network;

            Assert.Equal(project, network.ProjectId);
            Assert.Equal(name, network.Name);
            Assert.Equal($"projects/{project}/global/networks/{name}", network.RelativeName);
        }

        [Fact]
        public void SubnetworkName_is_kept_with_NetworkName_and_absent_without_it()
        {
            var given = Valid();
            given.NetworkName = "shared-net";
            given.SubnetworkName = "mlflow-subnet";

            Assert.Equal("mlflow-subnet", DeploymentInputValidator.Validate(given).SubnetworkName);
            Assert.Null(DeploymentInputValidator.Validate(Valid()).SubnetworkName);
        }

        [Fact]
        public void Default_deployment_name_is_mlflow()
        {
            var input = Valid();
            input.Name = null;

            Assert.Equal("mlflow", DeploymentInputValidator.Validate(input).Names.Name);
        }
    }
}
