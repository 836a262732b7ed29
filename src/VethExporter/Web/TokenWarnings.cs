using Microsoft.Extensions.Logging;

namespace VethExporter.Web;

/// <summary>Logs once each time the remediation token becomes unusable, and once when it is usable again.</summary>
public sealed partial class TokenWarnings(ILogger logger)
{
    private readonly Lock _gate = new();
    private string? _last;

    public void Report(string? problem)
    {
        lock (_gate)
        {
            if (problem == _last) return;
            if (problem is null) LogUsable(logger);
            else LogUnusable(logger, problem);
            _last = problem;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "remediation endpoints refuse every request (503): {Problem}")]
    private static partial void LogUnusable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "the remediation token is usable again")]
    private static partial void LogUsable(ILogger logger);
}
