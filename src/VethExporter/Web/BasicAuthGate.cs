using Microsoft.AspNetCore.Http;
using VethExporter.WebConfig;

namespace VethExporter.Web;

/// <summary>
/// basic_auth_users applies to every path, probes included, as in exporter-toolkit. The remediation
/// endpoints are the exception: they authenticate with their own bearer token, and one Authorization
/// header cannot carry both.
/// </summary>
public static class BasicAuthGate
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next, BasicAuthenticator authenticator)
    {
        bool remediation = context.GetEndpoint()?.Metadata.GetMetadata<RemediationEndpointMetadata>() is not null;
        if (remediation || await authenticator.AuthenticateAsync(context.Request.Headers.Authorization, context.RequestAborted).ConfigureAwait(false))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic";
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Unauthorized\n", context.RequestAborted).ConfigureAwait(false);
    }
}
