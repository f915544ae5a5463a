using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;
using OneClickMlflow.Emulator.Recording;

namespace OneClickMlflow.Emulator.Admin;

/// <summary>
/// The admin surface under /_emulator/: JSON over HTTP without authentication, for scripts and tests to read
/// the request log (and the recorded exchanges), inject faults, set latency, seed projects, issue credentials and
/// IAP signed headers.
/// </summary>
public static class AdminApi
{
    private static readonly MessageSchema FaultSchema = new MessageSchema("emulator.FaultRule")
        .String("api").String("method").String("path").String("pathContains").Double("rate").AnyJson("status")
        .AnyJson("script").Int32("retryAfterSeconds");

    private static readonly MessageSchema LatencySchema = new MessageSchema("emulator.Latency")
        .String("profile", required: true).Double("scale");

    private static readonly MessageSchema BindingSchema = new MessageSchema("emulator.Binding")
        .String("role", required: true).Strings("members", required: true);

    private static readonly MessageSchema ProjectSchema = new MessageSchema("emulator.Project")
        .String("projectId", required: true).Int64("projectNumber").Strings("enabledServices").Messages("iamBindings", BindingSchema)
        .String("parent").Bool("withoutOrganization");

    private static readonly MessageSchema OrganizationSchema = new MessageSchema("emulator.Organization")
        .String("organizationId", required: true).String("domain", required: true).String("directoryCustomerId")
        .Messages("iamBindings", BindingSchema);

    private static readonly MessageSchema FolderSchema = new MessageSchema("emulator.Folder")
        .String("folderId", required: true).String("parent", required: true);

    private static readonly MessageSchema KeySchema = new MessageSchema("emulator.KeyRequest")
        .String("projectId", required: true).String("email", required: true);

    private static readonly MessageSchema UserSchema = new MessageSchema("emulator.AuthorizedUserRequest")
        .String("email", required: true);

    private static readonly MessageSchema SubjectTokenSchema = new MessageSchema("emulator.SubjectToken")
        .String("subjectToken", required: true).String("subject", required: true);

    private static readonly MessageSchema IapAssertionSchema = new MessageSchema("emulator.IapAssertion")
        .String("audience", required: true).String("member", required: true).Int64("issuedAt").String("issuer");

    private static readonly MessageSchema UnhealthyImageSchema = new MessageSchema("emulator.UnhealthyImage").String("digest", required: true);

    public static void MapAdmin(this IEndpointRouteBuilder routes, EmulatorState state)
    {
        var admin = routes.MapGroup(EmulatorPipeline.AdminPrefix);
        admin.MapGet("/requests", context => context.WriteJsonAsync(
            new JsonArray(state.Requests.Snapshot().Select(e => (JsonNode?)EntryJson(e)).ToArray())));
        admin.MapDelete("/requests", context =>
        {
            state.Requests.Clear();
            return NoContent(context);
        });
        admin.MapGet("/exchanges", context => context.WriteJsonAsync(RecordedExchanges(state)));
        admin.MapDelete("/exchanges", context =>
        {
            state.Exchanges.Clear();
            return NoContent(context);
        });
        admin.MapPost("/faults", async context =>
        {
            var rule = ParseFault(await context.ReadBodyAsync(FaultSchema));
            state.Faults.Add(rule);
            await context.WriteJsonAsync(new JsonObject { ["rules"] = state.Faults.Rules.Count }, 201);
        });
        admin.MapDelete("/faults", context =>
        {
            state.Faults.Clear();
            return NoContent(context);
        });
        admin.MapPut("/latency", async context =>
        {
            var body = await context.ReadBodyAsync(LatencySchema);
            try
            {
                state.Latency.Set(body["profile"]!.GetValue<string>(), body["scale"]?.GetValue<double>() ?? 1.0);
            }
            catch (ArgumentException e)
            {
                throw GoogleApiError.InvalidArgument(e.Message, "profile");
            }
            await context.WriteJsonAsync(new JsonObject { ["profile"] = state.Latency.Profile, ["scale"] = state.Latency.Scale });
        });
        admin.MapPost("/projects", async context =>
        {
            var project = SeedProject(state, await context.ReadBodyAsync(ProjectSchema));
            await context.WriteJsonAsync(new JsonObject
            {
                ["projectId"] = project.ProjectId,
                ["projectNumber"] = project.ProjectNumber.ToString(CultureInfo.InvariantCulture),
            }, 201);
        });
        admin.MapPost("/organizations", async context =>
        {
            var organization = SeedOrganization(state, await context.ReadBodyAsync(OrganizationSchema));
            await context.WriteJsonAsync(new JsonObject { ["name"] = organization.Name, ["displayName"] = organization.Domain }, 201);
        });
        admin.MapPost("/folders", async context =>
        {
            var body = await context.ReadBodyAsync(FolderSchema);
            var folder = Seed(() => state.AddFolder(body["folderId"]!.GetValue<string>(), body["parent"]!.GetValue<string>()), "folderId");
            await context.WriteJsonAsync(new JsonObject { ["name"] = folder.Name, ["parent"] = folder.Parent }, 201);
        });
        admin.MapPost("/keys", async context =>
        {
            var body = await context.ReadBodyAsync(KeySchema);
            var json = CredentialFiles.ServiceAccountKey(state, body["projectId"]!.GetValue<string>(), body["email"]!.GetValue<string>());
            await context.WriteJsonAsync(JsonNode.Parse(json)!);
        });
        admin.MapPost("/authorized-users", async context =>
        {
            var body = await context.ReadBodyAsync(UserSchema);
            await context.WriteJsonAsync(JsonNode.Parse(CredentialFiles.AuthorizedUser(state, body["email"]!.GetValue<string>()))!);
        });
        admin.MapPost("/subject-tokens", async context =>
        {
            var body = await context.ReadBodyAsync(SubjectTokenSchema);
            state.Federation.RegisterSubjectToken(body["subjectToken"]!.GetValue<string>(), body["subject"]!.GetValue<string>());
            await NoContent(context);
        });
        // The x-goog-iap-jwt-assertion the front door would add, for tests of a server's header check (issuedAt in
        // Unix seconds and issuer change what IAP itself would sign, for tests of refusals).
        admin.MapPost("/iap-assertions", async context =>
        {
            var body = await context.ReadBodyAsync(IapAssertionSchema);
            var member = body["member"]!.GetValue<string>();
            if (!member.StartsWith("user:", StringComparison.Ordinal) && !member.StartsWith("serviceAccount:", StringComparison.Ordinal))
            {
                throw GoogleApiError.InvalidArgument("member must be user:EMAIL or serviceAccount:EMAIL.", "member");
            }
            var issuedAt = body["issuedAt"] is JsonNode seconds
                ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(seconds.ToString(), CultureInfo.InvariantCulture))
                : (DateTimeOffset?)null;
            var assertion = Apis.IapSignedHeader.For(state, body["audience"]!.GetValue<string>(), member, issuedAt,
                body["issuer"]?.GetValue<string>() ?? Apis.IapSignedHeader.Issuer);
            await context.WriteJsonAsync(new JsonObject { ["assertion"] = assertion });
        });
        // IAP's key rotation: a new key signs from now on, and every earlier key stays published.
        admin.MapPost("/iap-keys", context => context.WriteJsonAsync(new JsonObject { ["kid"] = state.IapKeys.Rotate() }, 201));
        admin.MapGet("/state", context => context.WriteJsonAsync(state.Dump()));
        // An image whose server never passes its health checks: a version of it fails to come up.
        admin.MapPost("/unhealthy-images", async context =>
        {
            var digest = (await context.ReadBodyAsync(UnhealthyImageSchema))["digest"]!.GetValue<string>();
            lock (state.Gate)
            {
                state.ApiState<Apis.AppEngineState>().UnhealthyImages.Add(digest);
            }
            await NoContent(context);
        });
        // The days Google keeps a deleted Cloud SQL instance's producer resources, passed at once.
        admin.MapDelete("/sql-producer-holds", context =>
        {
            lock (state.Gate)
            {
                state.ApiState<Apis.CloudSqlState>().ProducerHolds.Clear();
            }
            return NoContent(context);
        });
    }

    public static JsonObject EntryJson(RequestLogEntry entry) => new()
    {
        ["time"] = entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["method"] = entry.Method,
        ["path"] = entry.Path,
        ["query"] = entry.Query,
        ["api"] = entry.Api,
        ["mutating"] = entry.Mutating,
        ["status"] = entry.Status,
        ["durationMs"] = entry.DurationMs,
        ["principal"] = entry.Principal,
        ["quotaProject"] = entry.QuotaProject,
    };

    private static JsonArray RecordedExchanges(EmulatorState state) => state.Exchanges.Enabled
        ? ExchangeLog.ToJson(state.Exchanges.Snapshot())
        : throw new GoogleApiError(404, "NOT_FOUND",
            "Exchanges are not recorded: start the emulator with --record-exchanges (EmulatorOptions.RecordExchanges).");

    private static FaultRule ParseFault(JsonObject body)
    {
        List<int>? script = null;
        if (body["script"] is JsonNode scriptNode)
        {
            if (scriptNode is not JsonArray steps)
            {
                throw GoogleApiError.InvalidArgument("script must be an array of HTTP statuses, \"drop\" or \"lost\".", "script");
            }
            script = steps.Select(step => ParseStep(step, "script")).ToList();
        }
        var rate = body["rate"]?.GetValue<double>();
        if (rate is < 0 or > 1)
        {
            throw GoogleApiError.InvalidArgument("rate must be between 0 and 1.", "rate");
        }
        if (script is null && rate is null)
        {
            throw GoogleApiError.InvalidArgument("A fault needs a script or a rate.", "script");
        }
        return new FaultRule
        {
            Api = body["api"]?.GetValue<string>(),
            Method = body["method"]?.GetValue<string>(),
            Path = body["path"]?.GetValue<string>(),
            PathContains = body["pathContains"]?.GetValue<string>(),
            Rate = rate,
            Status = body["status"] is JsonNode status ? ParseStep(status, "status") : 503,
            Script = script,
            RetryAfterSeconds = body["retryAfterSeconds"]?.GetValue<int>(),
        };
    }

    private static int ParseStep(JsonNode? step, string field)
    {
        if (step is JsonValue value)
        {
            if (value.TryGetValue<string>(out var text) && text is "drop" or "lost")
            {
                return text == "drop" ? FaultInjector.DropStep : FaultInjector.LostAnswerStep;
            }
            if (value.TryGetValue<int>(out var status) && status is >= 200 and <= 599)
            {
                return status;
            }
        }
        throw GoogleApiError.InvalidArgument($"Invalid {field} {step?.ToJsonString()}: use an HTTP status, \"drop\" or \"lost\".", field);
    }

    private static ProjectState SeedProject(EmulatorState state, JsonObject body)
    {
        var services = (body["enabledServices"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToList();
        var withoutOrganization = body["withoutOrganization"]?.GetValue<bool>() == true;
        var parent = body["parent"]?.GetValue<string>();
        if (withoutOrganization && parent is not null)
        {
            throw GoogleApiError.InvalidArgument("Give a parent or withoutOrganization, not both.", "parent");
        }
        var project = Seed(() => state.AddProject(
            body["projectId"]!.GetValue<string>(),
            body["projectNumber"] is JsonNode number ? long.Parse(number.ToString(), CultureInfo.InvariantCulture) : null,
            services,
            withoutOrganization ? EmulatorState.NoOrganization : parent ?? EmulatorState.DefaultParent), "projectId");
        foreach (var (role, member) in Bindings(body))
        {
            state.Grant(project.ProjectId, role, member);
        }
        return project;
    }

    private static OrganizationState SeedOrganization(EmulatorState state, JsonObject body)
    {
        var organization = Seed(() => state.AddOrganization(body["organizationId"]!.GetValue<string>(), body["domain"]!.GetValue<string>(),
            body["directoryCustomerId"]?.GetValue<string>()), "organizationId");
        foreach (var (role, member) in Bindings(body))
        {
            state.GrantOnOrganization(organization.Id, role, member);
        }
        return organization;
    }

    /// <summary>Runs a seeding call, answering its refusals as Google's errors (a bad value names <paramref name="field"/>).</summary>
    private static T Seed<T>(Func<T> seed, string field)
    {
        try
        {
            return seed();
        }
        catch (ArgumentException e)
        {
            throw GoogleApiError.InvalidArgument(e.Message, e.ParamName == "parent" ? "parent" : field);
        }
        catch (InvalidOperationException e)
        {
            throw GoogleApiError.AlreadyExists(e.Message);
        }
    }

    private static IEnumerable<(string Role, string Member)> Bindings(JsonObject body)
    {
        foreach (var binding in (body["iamBindings"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
        {
            var role = binding["role"]!.GetValue<string>();
            if (!RoleCatalog.Exists(role))
            {
                throw GoogleApiError.InvalidArgument($"Role {role} is not supported for this resource.", "iamBindings.role");
            }
            foreach (var member in binding["members"]!.AsArray().Select(m => m!.GetValue<string>()))
            {
                yield return (role, member);
            }
        }
    }

    private static Task NoContent(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}
