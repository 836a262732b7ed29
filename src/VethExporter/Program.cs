using VethExporter.Cli;
using VethExporter.Commands;
using VethExporter.Common;

namespace VethExporter;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        try
        {
            var line = CommandLine.Parse(args, Flags.All);
            if (line.HelpRequested)
            {
                Console.Out.Write(Usage.Text(line.Verb));
                return 0;
            }
            if (line.Verb != "remediate" && line.Arguments.Count > 0)
                throw new UsageException($"unexpected argument \"{line.Arguments[0]}\" (see {line.Verb} --help)");
            var options = ExporterOptions.From(line);
            return line.Verb switch
            {
                "serve" => await ServeCommand.RunAsync(options, cancellation.Token),
                "scan" => await ScanCommand.RunAsync(options, Console.Out, cancellation.Token),
                "remediate" => await RemediateCommand.RunAsync(options, line.Arguments, Console.Out, cancellation.Token),
                "capture-fixtures" => CaptureFixturesCommand.Run(options, Console.Out),
                _ => throw new UsageException($"\"{line.Verb}\" is not available in this build"),
            };
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"veth-exporter: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is Interop.SystemCallException or Netlink.NetlinkException)
        {
            await Console.Error.WriteLineAsync($"veth-exporter: {e.Message}");
            return 1;
        }
    }
}
