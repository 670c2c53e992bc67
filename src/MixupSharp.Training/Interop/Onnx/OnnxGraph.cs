using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Interop.Onnx;

/// <summary>
/// An ONNX graph under construction: nodes in execution order, named values, and the weights as initializers under the
/// model's published names (<c>layer1.0.conv1.weight</c>), so the file reads like the state dict it came from. Layers
/// add themselves through <see cref="Layer"/>; each call returns the name of the value it produced.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly GraphProto _graph = new();
    private readonly Dictionary<IntPtr, string> _names;
    private readonly HashSet<string> _initialized = new();
    private readonly Dictionary<string, int> _counts = new();

    /// <param name="opset">The ONNX operator set the nodes must belong to (13–17).</param>
    /// <param name="names">The model's tensors by handle, with the names their initializers take.</param>
    public OnnxGraph(int opset, Dictionary<IntPtr, string> names)
    {
        Opset = opset;
        _names = names;
    }

    /// <summary>The operator set version the graph targets.</summary>
    public int Opset { get; }

    /// <summary>The graph built so far.</summary>
    public GraphProto Proto => _graph;

    /// <summary>Adds one layer (a TorchSharp module or one of ours) applied to <paramref name="input"/>; its output's name.</summary>
    public string Layer(nn.Module module, string input) => OnnxLayers.Emit(this, module, input);

    /// <summary>Adds a node <paramref name="op"/> on <paramref name="inputs"/> with one output; the output's name.</summary>
    public string Node(string op, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Fresh(op);
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>The initializer of a model tensor (a parameter or buffer), added once, named as the state dict names it.</summary>
    public string Weight(Tensor tensor)
    {
        if (!_names.TryGetValue(tensor.Handle, out var name))
        {
            throw new InvalidOperationException($"a tensor of shape [{string.Join(", ", tensor.shape)}] is not one of the model's parameters or buffers");
        }

        if (_initialized.Add(name))
        {
            _graph.Initializer.Add(FloatTensor(name, tensor));
        }

        return name;
    }

    /// <summary>A new initializer holding <paramref name="tensor"/> (a derived weight or a constant), named after <paramref name="hint"/>.</summary>
    public string Constant(string hint, Tensor tensor)
    {
        string name = Fresh(hint);
        _graph.Initializer.Add(FloatTensor(name, tensor));
        _initialized.Add(name);
        return name;
    }

    /// <summary>A float scalar constant.</summary>
    public string Scalar(float value)
    {
        using var t = torch.tensor(value);
        return Constant("scalar", t);
    }

    /// <summary>An int64 constant (a shape, axes, or with <paramref name="scalar"/> a 0-d index).</summary>
    public string Int64s(long[] values, bool scalar = false)
    {
        string name = Fresh("int64");
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar)
        {
            proto.Dims.Add(values.Length);
        }

        proto.Int64Data.AddRange(values);
        _graph.Initializer.Add(proto);
        _initialized.Add(name);
        return name;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private string Fresh(string hint)
    {
        _counts.TryGetValue(hint, out int n);
        _counts[hint] = n + 1;
        return $"{hint}_{n}";
    }

    private static TensorProto FloatTensor(string name, Tensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(tensor.shape);
        using var values = tensor.detach().to(CPU).to_type(ScalarType.Float32).contiguous();
        // ONNX's raw_data is little-endian, as every platform .NET runs TorchSharp on.
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
        return proto;
    }
}
