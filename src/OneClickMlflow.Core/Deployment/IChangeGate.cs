using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Deployment
{
    /// <summary>What a change must pass before the engine applies it (the deployment's run lease).</summary>
    public interface IChangeGate
    {
        /// <summary>Awaited before a planned change of <paramref name="resource"/> is applied; throws to refuse it.</summary>
        Task EnterAsync(Resource resource, CancellationToken cancellationToken);

        /// <summary>Told when a resource's run has ended, whatever its outcome.</summary>
        void Finished(Resource resource, ResourceOutcome outcome);
    }
}
