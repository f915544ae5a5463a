using System;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Deletes that tolerate the thing being gone already: an earlier, interrupted removal may have deleted it after
    /// this run read it, and a delete whose answer was lost may be sent again.
    /// </summary>
    internal static class MissingIsRemoved
    {
        public static async Task DeleteAsync(Func<Task> delete)
        {
            try
            {
                await delete().ConfigureAwait(false);
            }
            catch (Exception e) when (IsNotFound(e))
            {
            }
        }

        /// <summary>A 404, or an operation that ended with NOT_FOUND (code 5).</summary>
        public static bool IsNotFound(Exception error) => error switch
        {
            GoogleCloudApiException google => google.IsNotFound,
            OperationFailedException operation => operation.Code == 5 || operation.Code == 404,
            _ => false,
        };
    }
}
