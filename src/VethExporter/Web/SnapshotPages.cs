using System.Text;
using System.Text.Json;
using VethExporter.Service;
using VethExporter.Snapshot;

namespace VethExporter.Web;

/// <summary>Renders /api/v1/orphans and / from a snapshot; the store calls it once per scan.</summary>
public sealed class SnapshotPages(string version, string telemetryPath, bool remediationEnabled)
{
    public RenderedPages Render(SnapshotDocument? document) => new(
        document is null ? null : JsonSerializer.SerializeToUtf8Bytes(document, SnapshotJsonContext.Default.SnapshotDocument),
        Encoding.UTF8.GetBytes(LandingPage.Render(version, telemetryPath, document, remediationEnabled)));
}
