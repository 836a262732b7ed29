using System.Net;

namespace VethExporter.KernelTests.Support;

/// <summary>Readiness checks of the servers tests start: a GET that answers 200, or not (yet).</summary>
public static class HttpProbe
{
    public static bool IsOk(HttpClient http, string path)
    {
        try
        {
            return http.GetAsync(path).GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
