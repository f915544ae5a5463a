using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>An image named by -Image (or, for Get-MlflowDeployment, none: the serving one is wanted). Nothing to make.</summary>
    public sealed class GivenImageResource : ServerImageResource
    {
        private readonly bool required;

        /// <param name="required">False only when the serving version's image is wanted (Get-MlflowDeployment).</param>
        public GivenImageResource(ServerImageReference? image, bool required)
            : base(image?.Reference ?? "the serving version's image")
        {
            Image = image;
            this.required = required;
        }

        public override ServerImageReference? Image { get; }

        protected override bool Exists => false;

        public override Task ObserveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override PlannedChange Plan() =>
            Image != null ? Unchanged("given with -Image")
            : required ? throw Refuse("no server image: pass -Image REGISTRY/PATH@sha256:DIGEST, or run where the module can build its own image")
            : Unchanged("the image of the serving version");

        public override PlannedChange PlanRemoval() => Unchanged("not the deployment's to remove");

        public override Task ApplyAsync(ResourceApplyContext context) => Task.CompletedTask;
    }
}
