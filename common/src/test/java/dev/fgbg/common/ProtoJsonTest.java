package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.UninterpretedOption;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.Test;

class ProtoJsonTest {
  private static final UninterpretedOption NUMBERS = UninterpretedOption.newBuilder()
      .setIdentifierValue("a \"b\"\n\u0001").setPositiveIntValue(-1L)
      .setNegativeIntValue(-9_007_199_254_740_993L).setDoubleValue(0.25)
      .setStringValue(ByteString.copyFromUtf8("hi")).build();

  @Test
  void snakeCaseNamesAndIntegersAsNumbers() {
    assertEquals("{\"name\": [], \"identifier_value\": \"a \\\"b\\\"\\n\\u0001\", "
        + "\"positive_int_value\": 18446744073709551615, "
        + "\"negative_int_value\": -9007199254740993, \"double_value\": 0.25, "
        + "\"string_value\": \"aGk=\"}", ProtoJson.line(NUMBERS));
  }

  @Test
  void indentedFormNestsAndOptionalFieldsAppearOnlyWhenSet() {
    FileDescriptorProto f = FileDescriptorProto.newBuilder().setName("x.proto")
        .addMessageType(DescriptorProto.newBuilder().setName("M")
            .addField(FieldDescriptorProto.newBuilder().setName("sample_index").setNumber(1)
                .setType(FieldDescriptorProto.Type.TYPE_INT64)))
        .build();
    String json = ProtoJson.print(f);
    assertTrue(json.startsWith("{\n  \"name\": \"x.proto\",\n  \"dependency\": [],\n"), json);
    assertFalse(json.contains("\"package\""), "unset optional fields are left out");
    assertTrue(json.contains("\n  \"message_type\": [{\n    \"name\": \"M\",\n    \"field\": [{\n"
        + "      \"name\": \"sample_index\",\n      \"number\": 1,\n      \"type\": \"TYPE_INT64\"\n"
        + "    }],\n"), json);
  }

  @Test
  void protobufsOwnParserReadsItBack() throws Exception {
    UninterpretedOption.Builder back = UninterpretedOption.newBuilder();
    JsonFormat.parser().merge(ProtoJson.print(NUMBERS), back);
    assertEquals(NUMBERS, back.build());
    FieldDescriptorProto field = FieldDescriptorProto.newBuilder().setName("n").setNumber(3)
        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).build();
    FieldDescriptorProto.Builder fb = FieldDescriptorProto.newBuilder();
    JsonFormat.parser().merge(ProtoJson.line(field), fb);
    assertEquals(field, fb.build());
  }
}
