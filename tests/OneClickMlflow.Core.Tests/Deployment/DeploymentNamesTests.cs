using System.Linq;
using System.Text.RegularExpressions;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Deployment
{
    public class DeploymentNamesTests
    {
        private static readonly Regex BucketName = new Regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$");
        private static readonly Regex ServiceAccountId = new Regex("^[a-z]([-a-z0-9]*[a-z0-9])$");
        private static readonly Regex ComputeName = new Regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$");

        [Theory]
        [InlineData("my-project", "mlflow")]
        [InlineData("a-very-long-project-id-of-30ch", "a-twenty-char-name-9")]
        [InlineData("example.com:team-ml", "ml")]
        [InlineData("prod-123456", "tracking-eu")]
        public void Every_derived_name_is_within_google_limits(string projectId, string name)
        {
            var names = DeploymentNames.For(projectId, name);

            Assert.Matches(BucketName, names.BucketName);
            Assert.True(names.BucketName.Length <= 63);
            Assert.DoesNotContain("google", names.BucketName);
            Assert.Matches(ComputeName, names.NetworkName);
            Assert.Matches(ComputeName, names.PeeringRangeName);
            Assert.Matches(ComputeName, names.SqlInstanceName);
            Assert.Matches(ComputeName, names.ArtifactRepositoryName);
            foreach (var accountId in new[] { names.ServerServiceAccountId, names.LogPusherServiceAccountId })
            {
                Assert.Matches(ServiceAccountId, accountId);
                Assert.InRange(accountId.Length, 6, 30);
            }

            Assert.Equal(name, names.Labels[DeploymentNames.LabelKey]);
        }

        [Fact]
        public void Names_follow_the_documented_scheme()
        {
            var names = DeploymentNames.For("my-project", "mlflow");

            Assert.Equal("mlflow-network", names.NetworkName);
            Assert.Equal("mlflow-psa-range", names.PeeringRangeName);
            Assert.Matches("^mlflow-artifacts-[0-9a-f]{8}$", names.BucketName);
            Assert.Equal("mlflow-db", names.SqlInstanceName);
            Assert.Equal("mlflow", DeploymentNames.DatabaseName);
            Assert.Equal("mlflow", DeploymentNames.DatabaseUserName);
            Assert.Equal("mlflow-db-password", names.DatabasePasswordSecretName);
            Assert.Equal("mlflow", names.ArtifactRepositoryName);
            Assert.Equal("mlflow-server@my-project.iam.gserviceaccount.com", names.ServerServiceAccountEmail);
            Assert.Equal("mlflow-log-pusher@my-project.iam.gserviceaccount.com", names.LogPusherServiceAccountEmail);
            Assert.Equal("us-central1-docker.pkg.dev/my-project/mlflow/mlflow:1.0", names.ImageUri("us-central1", "1.0"));
        }

        [Theory]
        [InlineData("mlflow", "mlflow-log-pusher")]
        [InlineData("team-b", "team-b-log-pusher")]
        [InlineData("nineteen-char-name1", "nineteen-char-name1-log-pusher")]
        [InlineData("a-twenty-char-name-9", "a-twenty-char-name-9-pusher")]
        public void Each_deployment_has_its_own_log_pusher_and_the_default_one_keeps_the_original_name(string name, string accountId)
        {
            var names = DeploymentNames.For("my-project", name);

            Assert.Equal(accountId, names.LogPusherServiceAccountId);
            Assert.Equal(name == "mlflow", names.OwnsSharedLogPusher);
        }

        [Fact]
        public void Bucket_name_is_stable_for_a_project_and_deployment_and_differs_between_them()
        {
            var first = DeploymentNames.For("my-project", "mlflow").BucketName;

            Assert.Equal(first, DeploymentNames.For("my-project", "mlflow").BucketName);
            Assert.NotEqual(first, DeploymentNames.For("other-project", "mlflow").BucketName);
            Assert.NotEqual(
                DeploymentNames.For("my-project", "team-a").BucketName.Split('-').Last(),
                DeploymentNames.For("my-project", "team-b").BucketName.Split('-').Last());
        }

        [Fact]
        public void Domain_scoped_projects_get_their_service_account_and_image_forms()
        {
            var names = DeploymentNames.For("example.com:team-ml", "mlflow");

            Assert.Equal("mlflow-server@team-ml.example.com.iam.gserviceaccount.com", names.ServerServiceAccountEmail);
            Assert.Equal("europe-west1-docker.pkg.dev/example.com/team-ml/mlflow/mlflow:2", names.ImageUri("europe-west1", "2"));
        }
    }
}
