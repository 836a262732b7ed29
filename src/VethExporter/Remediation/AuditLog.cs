using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace VethExporter.Remediation;

/// <summary>
/// Appends one JSON line per decision to the audit file and mirrors it to the log. The file is opened
/// at start so that an unwritable audit location stops remediation from being enabled at all.
/// </summary>
public sealed partial class AuditLog : IDisposable
{
    private readonly ILogger _logger;
    private readonly StreamWriter? _file;
    private readonly Lock _gate = new();

    public AuditLog(string? path, ILogger logger)
    {
        _logger = logger;
        if (path is null) return;
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public void Write(AuditRecord record)
    {
        string line = JsonSerializer.Serialize(record, RemediationJsonContext.Default.AuditRecord);
        LogAudit(_logger, line);
        lock (_gate)
        {
            try
            {
                _file?.WriteLine(line);
            }
            catch (IOException e)
            {
                LogAuditFailed(_logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "audit {Record}")]
    private static partial void LogAudit(ILogger logger, string record);

    [LoggerMessage(Level = LogLevel.Error, Message = "could not append to the audit file: {Error}")]
    private static partial void LogAuditFailed(ILogger logger, string error);

    public void Dispose() => _file?.Dispose();
}
