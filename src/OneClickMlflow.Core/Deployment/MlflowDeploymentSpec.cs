using System.Collections.Generic;
using OneClickMlflow.Prerequisites;

namespace OneClickMlflow.Deployment
{
    /// <summary>What New-MlflowDeployment is asked to make, validated: the input of the desired resource graph.</summary>
    public sealed class MlflowDeploymentSpec
    {
        private MlflowDeploymentSpec(ValidatedDeploymentInput input, bool usesExistingNetwork)
        {
            Input = input;
            UsesExistingNetwork = usesExistingNetwork;
        }

        /// <summary>Validates every parameter (no call to Google); throws <see cref="InvalidDeploymentInputException"/>.</summary>
        public static MlflowDeploymentSpec From(DeploymentInput input) =>
            new MlflowDeploymentSpec(DeploymentInputValidator.Validate(input), !string.IsNullOrWhiteSpace(input.NetworkName));

        public ValidatedDeploymentInput Input { get; }

        public DeploymentNames Names => Input.Names;

        public string ProjectId => Input.ProjectId;

        public string Region => Input.Region;

        public NetworkReference Network => Input.Network;

        /// <summary>True when -NetworkName named a network: it must exist and is never modified.</summary>
        public bool UsesExistingNetwork { get; }

        /// <summary>The APIs the whole deployment calls (enabled once, up front).</summary>
        public IReadOnlyList<string> RequiredApis => PrerequisiteChecker.RequiredApis;
    }
}
