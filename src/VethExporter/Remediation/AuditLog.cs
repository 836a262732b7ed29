using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VethExporter.Interop;

namespace VethExporter.Remediation;

/// <summary>
/// Appends one JSON line per decision to the audit file and mirrors it to the log. The file is opened at
/// start, so an unwritable audit location stops remediation from being enabled at all; never through a
/// symlink, owner-only; <see cref="Reopen"/> (on SIGHUP) starts a new file after logrotate moved the old.
/// A write that fails is reported to the caller: remediation does not act on what it could not record.
/// </summary>
public sealed partial class AuditLog : IDisposable
{
    private readonly ILogger _logger;
    private readonly string? _path;
    private readonly Lock _gate = new();
    private FileStream? _file;

    public AuditLog(string? path, ILogger logger)
    {
        _logger = logger;
        _path = path;
        if (path is null) return;
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        _file = AppendOnlyFile.Open(path);
    }

    /// <returns>False when the line could not be appended to the file (it is still in the log).</returns>
    public bool Write(AuditRecord record, bool sync = false)
    {
        string line = JsonSerializer.Serialize(record, RemediationJsonContext.Default.AuditRecord);
        LogAudit(_logger, line);
        if (_path is null) return true;
        lock (_gate)
        {
            try
            {
                _file ??= AppendOnlyFile.Open(_path);
                _file.Write(Encoding.UTF8.GetBytes(line + "\n"));
                if (sync) _file.Flush(flushToDisk: true);
                return true;
            }
            catch (IOException e)
            {
                LogAuditFailed(_logger, e.Message);
                _file?.Dispose();
                _file = null; // try a fresh open next time: the directory may be back
                return false;
            }
        }
    }

    /// <summary>Closes the file and opens the path again (after rotation moved it away).</summary>
    public void Reopen()
    {
        if (_path is null) return;
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
            try
            {
                _file = AppendOnlyFile.Open(_path);
                LogReopened(_logger, _path);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "audit file {Path} reopened")]
    private static partial void LogReopened(ILogger logger, string path);

    public void Dispose()
    {
        lock (_gate) _file?.Dispose();
    }
}
