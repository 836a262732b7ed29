using Microsoft.AspNetCore.Http;

namespace VethExporter.Web;

/// <summary>
/// With --remediation.listen-address, remediation is answered only on those listeners and everything
/// else only on the web listeners; the other side gets 404 as if the path did not exist. The decision
/// rests on which listener accepted the connection, never on the Host header a client writes.
/// </summary>
public static class ListenerSplit
{
    public static bool Allows(HttpContext context)
    {
        bool remediationListener = context.Features.Get<RemediationListenerFeature>() is not null;
        bool remediationEndpoint = context.GetEndpoint()?.Metadata.GetMetadata<RemediationEndpointMetadata>() is not null;
        return remediationListener == remediationEndpoint;
    }

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Allows(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("404 page not found\n", context.RequestAborted).ConfigureAwait(false);
    }
}
