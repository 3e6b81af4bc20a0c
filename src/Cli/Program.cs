using System.CommandLine;
using GeoDense.Cli;
using GeoDense.Cli.Commands;
using GeoDense.Geo;

var root = CommandCatalog.Root();
Interruption.Install();
CliWarnings.Install();
return CliErrors.Run(() =>
{
    // `--input @list.txt` is InputList's (one path per line, spaces kept, missing file named); System.CommandLine's own
    // response files would split lines at spaces and report a missing list as an unrelated "required argument" error.
    var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
    if (UsageErrors.Report(parse, Console.Error)) return CliErrors.BadInput;
    // Exceptions reach CliErrors (exit 2 for input problems) instead of System.CommandLine's generic handler;
    // signals are Interruption's, not System.CommandLine's own termination handling.
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
});
