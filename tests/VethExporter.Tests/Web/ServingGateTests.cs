using System.Text;
using Microsoft.AspNetCore.Http;
using VethExporter.Web;
using VethExporter.WebConfig;

namespace VethExporter.Tests.Web;

public class ServingGateTests
{
    private static DefaultHttpContext Context(bool remediationListener, bool remediationEndpoint, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        if (remediationListener) context.Features.Set(RemediationListenerFeature.Instance);
        var metadata = remediationEndpoint ? new EndpointMetadataCollection(RemediationEndpointMetadata.Instance) : EndpointMetadataCollection.Empty;
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, metadata, "test"));
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        return context;
    }

    [Theory]
    [InlineData(false, false, true)]  // metrics on the web listener
    [InlineData(true, true, true)]    // remediation on its own listener
    [InlineData(false, true, false)]  // remediation on the web listener: 404
    [InlineData(true, false, false)]  // metrics on the remediation listener: 404
    public async Task Each_listener_serves_its_own_endpoints(bool remediationListener, bool remediationEndpoint, bool served)
    {
        var context = Context(remediationListener, remediationEndpoint);
        bool reached = false;
        await ListenerSplit.InvokeAsync(context, _ =>
        {
            reached = true;
            return Task.CompletedTask;
        });
        Assert.Equal(served, reached);
        Assert.Equal(served ? 200 : 404, context.Response.StatusCode);
    }

    [Fact]
    public async Task Basic_auth_guards_every_path_but_the_bearer_guarded_remediation()
    {
        using var auth = new BasicAuthenticator(new Dictionary<string, string> { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("pw", 4) });
        string good = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:pw"));
        string bad = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:nope"));

        foreach (var (header, remediation, expected) in new (string?, bool, int)[] { (good, false, 200), (bad, false, 401), (null, false, 401), ("Bearer x", true, 200) })
        {
            var context = Context(false, remediation, header);
            bool reached = false;
            await BasicAuthGate.InvokeAsync(context, _ =>
            {
                reached = true;
                return Task.CompletedTask;
            }, auth);
            Assert.Equal(expected, context.Response.StatusCode);
            Assert.Equal(expected == 200, reached);
            if (expected == 401) Assert.Equal("Basic", context.Response.Headers.WWWAuthenticate.ToString());
        }
    }
}
