namespace VethExporter.Web;

/// <summary>The JSON body of every error answer: one readable sentence.</summary>
public sealed record ErrorBody(string Error);
