using System.Text.Json;
using VethExporter.Cli;
using VethExporter.Scanning;
using VethExporter.Snapshot;

namespace VethExporter.Commands;

/// <summary>`veth-exporter scan`: one scan, printed as JSON or as a table.</summary>
internal static class ScanCommand
{
    public static async Task<int> RunAsync(ExporterOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        using var scanner = new Scanner(options.ScannerOptions);
        var scan = await scanner.ScanAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var document = SnapshotMapper.ToDocument(scan);
        if (options.Output == "json")
            await output.WriteLineAsync(JsonSerializer.Serialize(document, SnapshotJsonContext.Default.SnapshotDocument)).ConfigureAwait(false);
        else
            await output.WriteAsync(TextReport.Render(document)).ConfigureAwait(false);
        return 0;
    }
}
