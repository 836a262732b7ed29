using System.Runtime.InteropServices;
using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>Owns one file descriptor (socket, netns file, directory) and closes it exactly once.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => LibC.close((int)handle) == 0;
}
