x = [==[
 abc ]=] ]==] .. "\u{7FFFFFFF}\z
  \x41" .. 0x.1p4