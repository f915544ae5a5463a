using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Recording;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>
/// The middleware every emulated API shares, in order: record the exchange (when recording), settle due operations,
/// log the request, inject faults, check the bearer token, and turn <see cref="GoogleApiError"/>s into Google's error
/// bodies.
/// The admin surface (/_emulator/) is neither logged nor faulted nor authenticated.
/// </summary>
public static class EmulatorPipeline
{
    public const string AdminPrefix = "/_emulator";

    public static void UseEmulatorPipeline(this WebApplication app, EmulatorState state, IReadOnlyList<ApiDescriptor> apis)
    {
        var byPrefix = apis.ToDictionary(a => a.PathPrefix, StringComparer.Ordinal);
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            if (path.Equals(AdminPrefix, StringComparison.Ordinal) || path.StartsWith(AdminPrefix + "/", StringComparison.Ordinal))
            {
                await RenderErrorsAsync(context, next);
                return;
            }
            var api = byPrefix.GetValueOrDefault(FirstSegment(path));
            // The metadata server also answers at the root, where Google.Apis.Auth pings it.
            var apiName = api?.Name ?? (path == "/" ? "metadata" : FirstSegment(path));
            if (state.Exchanges.Enabled)
            {
                await ExchangeRecorder.RecordAsync(context, state.Exchanges, apiName,
                    () => HandleApiRequestAsync(context, next, state, api, apiName, path));
                return;
            }
            await HandleApiRequestAsync(context, next, state, api, apiName, path);
        });
    }

    private static async Task HandleApiRequestAsync(
        HttpContext context, Func<Task> next, EmulatorState state, ApiDescriptor? api, string apiName, string path)
    {
        var started = state.Clock.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        var method = context.Request.Method;
        Principal? caller = null;
        var dropped = false;
        var logged = false;
        // A dropped connection is logged before it is aborted: the caller sees the abort at once and may read the log.
        void Log()
        {
            if (logged)
            {
                return;
            }
            logged = true;
            var status = dropped || context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted
                ? 0
                : context.Response.StatusCode;
            state.Requests.Add(new RequestLogEntry(
                started,
                method,
                path,
                context.Request.QueryString.Value ?? "",
                apiName,
                RequestLog.IsMutating(method, path),
                status,
                Math.Round(stopwatch.Elapsed.TotalMilliseconds, 3),
                caller?.Id,
                QuotaProject(context)));
        }
        try
        {
            state.Operations.Settle();
            var fault = state.Faults.Decide(apiName, method, path);
            fault.Before?.Invoke();
            if (fault.Drop)
            {
                dropped = true;
                Log();
                context.Abort();
                return;
            }
            if (!fault.IsNone && !fault.LoseAnswer)
            {
                if (fault.RetryAfterSeconds is int seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString();
                }
                await WriteErrorAsync(context, GoogleApiError.ForStatus(fault.Status));
                return;
            }
            var token = BearerToken(context.Request);
            if (token is not null)
            {
                caller = BearerAuthenticator.Authenticate(state, token);
            }
            // A V4 signed URL carries its signer's authority in the query; Cloud Storage's XML API checks it (StorageSignedUrl).
            var signedUrl = token is null && apiName == "storage" && context.Request.Query.ContainsKey(Apis.StorageSignedUrl.SignatureParameter);
            if (api?.RequiresAuthentication == true && caller is null && !signedUrl && (token is not null || !state.AllowUnauthenticated))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\"";
                await WriteErrorAsync(context, GoogleApiError.Unauthenticated());
                return;
            }
            context.SetCaller(caller);
            if (api?.RequiresAuthentication == true && QuotaProject(context) is { } quotaProject
                && QuotaProjectRefusal(state, caller, quotaProject) is { } refusal)
            {
                await WriteErrorAsync(context, refusal);
                return;
            }
            if (fault.LoseAnswer)
            {
                // Google acts on the request, and the answer never reaches the caller.
                context.Response.Body = System.IO.Stream.Null;
                await RenderErrorsAsync(context, next);
                dropped = true;
                Log();
                context.Abort();
                return;
            }
            await RenderErrorsAsync(context, next);
        }
        finally
        {
            Log();
        }
    }

    private static string? QuotaProject(HttpContext context) =>
        context.Request.Headers.TryGetValue("x-goog-user-project", out var value) && value.Count > 0 ? value[0] : null;

    /// <summary>A quota project must exist and the caller must hold serviceusage.services.use on it, as Google checks.</summary>
    private static GoogleApiError? QuotaProjectRefusal(EmulatorState state, Principal? caller, string quotaProject)
    {
        var project = state.FindProject(quotaProject);
        if (project is null || !state.HasPermission(caller, project, "serviceusage.services.use"))
        {
            return GoogleApiError.PermissionDenied(
                $"Caller does not have required permission to use project {quotaProject}. Grant the caller the " +
                "roles/serviceusage.serviceUsageConsumer role, or a custom role with the serviceusage.services.use permission, by " +
                $"visiting https://console.developers.google.com/iam-admin/iam/admin?project={quotaProject} and then retry. " +
                "Propagation of the new permission may take a few minutes.", "USER_PROJECT_DENIED");
        }
        return null;
    }

    private static async Task RenderErrorsAsync(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (GoogleApiError error) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, error);
        }
        catch (Exception exception) when (!context.Response.HasStarted && exception is not OperationCanceledException)
        {
            await WriteErrorAsync(context, new GoogleApiError(500, "INTERNAL", "Internal error encountered: " + exception.Message));
        }
    }

    public static Task WriteErrorAsync(HttpContext context, GoogleApiError error) =>
        context.WriteJsonAsync(error.ToBody(), error.Code);

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        var query = request.Query["access_token"];
        return query.Count > 0 ? query[0] : null;
    }

    private static string FirstSegment(string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/');
        return slash < 0 ? trimmed : trimmed[..slash];
    }
}
