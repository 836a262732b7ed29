namespace VethExporter.Remediation;

/// <summary>A parsed request, or the reason it was rejected (answered 400, nothing changed).</summary>
public sealed record RequestParseResult(RemediationRequest? Request, string? Error)
{
    public static RequestParseResult Fail(string error) => new(null, error);
}
