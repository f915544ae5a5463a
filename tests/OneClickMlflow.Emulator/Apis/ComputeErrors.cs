using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Compute Engine's errors: the message plus the legacy <c>errors[{domain, reason, message}]</c>; inside an
/// operation the same failure shows as <c>error.errors[{code, message}]</c> with the code named by the reason.
/// </summary>
public static class ComputeErrors
{
    public static GoogleApiError AlreadyExists(string resource) =>
        Make(409, "ALREADY_EXISTS", "alreadyExists", $"The resource '{resource}' already exists");

    public static GoogleApiError NotFound(string resource) =>
        Make(404, "NOT_FOUND", "notFound", $"The resource '{resource}' was not found");

    public static GoogleApiError InUse(string kind, string resource, string user) =>
        Make(400, "FAILED_PRECONDITION", "resourceInUseByAnotherResource",
            $"The {kind} resource '{resource}' is already being used by '{user}'");

    public static GoogleApiError InvalidField(string field, string value, string why) =>
        Make(400, "INVALID_ARGUMENT", "invalid", $"Invalid value for field '{field}': '{value}'. {why}");

    public static GoogleApiError Forbidden(string permission, string resource) =>
        Make(403, "PERMISSION_DENIED", "forbidden", $"Required '{permission}' permission for '{resource}'");

    public static GoogleApiError PreconditionFailed(string message) =>
        Make(412, "FAILED_PRECONDITION", "conditionNotMet", message);

    /// <summary>The operation error code Compute shows for a legacy reason.</summary>
    public static string OperationCode(GoogleApiError error)
    {
        var reason = error.LegacyErrors?[0]?["reason"]?.GetValue<string>();
        return reason switch
        {
            "alreadyExists" => "RESOURCE_ALREADY_EXISTS",
            "notFound" => "RESOURCE_NOT_FOUND",
            "resourceInUseByAnotherResource" => "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
            "invalid" => "INVALID_FIELD_VALUE",
            "conditionNotMet" => "CONDITION_NOT_MET",
            _ => error.Status,
        };
    }

    private static GoogleApiError Make(int code, string status, string reason, string message) =>
        LegacyError.Create(code, status, reason, message);
}
