using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Adds a member to a role through an <see cref="IamPolicyEditor"/>, starting the read-modify-write again after
    /// a transient failure: the etag makes a repeated write safe, and a fresh read shows whether the last one landed.
    /// </summary>
    internal static class PolicyGrant
    {
        public static async Task GrantAsync(IamPolicyEditor editor, string role, string member, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await editor.EditAsync(policy => policy.AddMember(role, member), cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (GoogleApiException e) when (e.IsTransient && attempt < CreateOnce.MaxAttempts)
                {
                    await CreateOnce.BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
