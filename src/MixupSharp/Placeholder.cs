namespace MixupSharp;
