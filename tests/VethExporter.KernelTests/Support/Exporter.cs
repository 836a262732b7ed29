using System.Diagnostics;

namespace VethExporter.KernelTests.Support;

/// <summary>Runs the real veth-exporter binary built next to the tests.</summary>
public static class Exporter
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "veth-exporter.dll");

    /// <param name="inNetns">Run inside this named network namespace (ip netns exec), as its own.</param>
    /// <summary>
    /// Never the machine's own runtime sockets: a test's fake host is not where their sandboxes live. A test that
    /// names a socket asks exactly that one (given sockets replace the probed defaults).
    /// </summary>
    public static void NoMachineRuntimes(ProcessStartInfo start, IReadOnlyCollection<string> arguments)
    {
        if (!arguments.Any(a => a.StartsWith("--runtime.", StringComparison.Ordinal)))
            start.Environment["VETH_EXPORTER_RUNTIME_CRI_SOCKET"] = "none";
    }

    public static (int Code, string Output, string Error) Run(string[] arguments, string? asUser = null, string? inNetns = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (inNetns is not null)
        {
            start.FileName = Tools.Find("ip")!;
            foreach (var a in new[] { "netns", "exec", inNetns }) start.ArgumentList.Add(a);
        }
        if (asUser is not null)
        {
            if (inNetns is null) start.FileName = Tools.Find("setpriv")!;
            else start.ArgumentList.Add(Tools.Find("setpriv")!);
            foreach (var a in new[] { $"--reuid={asUser}", "--regid=nogroup", "--clear-groups", "--" }) start.ArgumentList.Add(a);
            start.ArgumentList.Add(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet");
            start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        }
        else if (inNetns is null)
        {
            start.FileName = "dotnet";
        }
        else
        {
            start.ArgumentList.Add(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet");
        }
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        NoMachineRuntimes(start, arguments);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }
}
